package dev.cistern.iscsi.e2e;

import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT RESET and TARGET WARM RESET abort the commands queued
 * behind a CmdSN hole as well (RFC 7143 11.5.1: every command with a CmdSN before the function's). They
 * aborted only writes waiting for Data-Out: a queued WRITE ran once the hole filled, after the initiator
 * had been told its task set was gone.
 */
class TaskSetAbortTest {
    private static final String IQN = "iqn.2026-11.dev.cistern:taskset";
    private IscsiTarget target;

    @BeforeEach
    void start() {
        target = MemoryTargets.start(MemoryTargets.definition(IQN, 1, 16L << 20, null, null, Set.of()));
    }

    @AfterEach
    void stop() {
        target.stop();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 5, 6}) // ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT RESET, TARGET WARM RESET
    void queuedCommandsAreAbortedWithoutStallingTheSession(int function) throws Exception {
        byte[] block = new byte[512];
        Arrays.fill(block, (byte) 0x99);
        try (TestInitiator t = new TestInitiator(target.port())) {
            assertThat(t.login("iqn.2026-11.test:ts" + function, IQN, new byte[]{0x40, 0, 0, 0, 4, (byte) function}))
                    .isZero();
            t.socket.setSoTimeout(3000);
            int sn = t.nextCmdSn();
            Pdu queued = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(801).putInt(20, 512).putInt(24, sn + 1)
                    .putInt(28, t.expStatSn());
            queued.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 5, 0, 0, 1, 0}).data(block); // WRITE(10) LBA 5
            t.send(queued); // CmdSN n+1 before n: waits for its turn
            Pdu tmf = Pdu.of(Opcode.TASK_MGMT_REQUEST).flags(0x80 | function).itt(802).putInt(20, Pdu.NO_TAG)
                    .putInt(24, sn + 2).putInt(28, t.expStatSn());
            tmf.bhs()[0] |= 0x40; // immediate: carries the next CmdSN, so it covers n and n+1
            t.send(tmf);
            Pdu r = t.read();
            assertThat(r.opcode()).isEqualTo(Opcode.TASK_MGMT_RESPONSE);
            assertThat(r.getByte(2)).as("function complete").isZero();
            byte[] tur = {0, 0, 0, 0, 0, 0};
            for (int k : new int[]{0, 2}) { // CmdSN n fills the hole; n+2 shows ExpCmdSN moved past n+1
                Pdu c = Pdu.of(Opcode.SCSI_COMMAND).flags(0x81).itt(810 + k).putInt(24, sn + k)
                        .putInt(28, t.expStatSn());
                t.send(c.putBytes(32, tur));
            }
            Pdu resp = t.read();
            assertThat(resp.opcode()).isEqualTo(Opcode.SCSI_RESPONSE);
            // CmdSN n precedes the function too, so it is aborted when it comes (see the test below)
            assertThat(resp.itt()).as("the answer to CmdSN n+2, the first after the function").isEqualTo(812);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a command after the aborted one was never answered", e);
        }
        try (TestInitiator reader = new TestInitiator(target.port())) {
            assertThat(reader.login("iqn.2026-11.test:reader", IQN, new byte[]{0x40, 0, 0, 0, 5, 1})).isZero();
            var read = reader.command(0, new byte[]{0x28, 0, 0, 0, 0, 5, 0, 0, 1, 0}, null, 512);
            assertThat(read.status()).isZero();
            assertThat(read.data()).as("the aborted WRITE never ran").containsOnly(0);
        }
    }

    /**
     * A command whose CmdSN precedes an immediate task-set function, arriving only after the function
     * answered (it filled the CmdSN hole late), belongs to the aborted task set: it ran.
     */
    @ParameterizedTest
    @ValueSource(ints = {2, 4, 5, 6})
    void aCommandFillingTheHoleAfterTheFunctionIsAborted(int function) throws Exception {
        byte[] block = new byte[512];
        Arrays.fill(block, (byte) 0x66);
        try (TestInitiator t = new TestInitiator(target.port())) {
            assertThat(t.login("iqn.2026-11.test:late" + function, IQN, new byte[]{0x40, 0, 0, 0, 6, (byte) function}))
                    .isZero();
            t.socket.setSoTimeout(3000);
            int sn = t.nextCmdSn();
            Pdu tmf = Pdu.of(Opcode.TASK_MGMT_REQUEST).flags(0x80 | function).itt(820).putInt(20, Pdu.NO_TAG)
                    .putInt(24, sn + 1).putInt(28, t.expStatSn());
            tmf.bhs()[0] |= 0x40; // immediate, sent after CmdSN n, which the target has not seen yet
            t.send(tmf);
            Pdu r = t.read();
            assertThat(r.opcode()).isEqualTo(Opcode.TASK_MGMT_RESPONSE);
            assertThat(r.getByte(2)).as("function complete").isZero();
            Pdu late = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(821).putInt(20, 512).putInt(24, sn)
                    .putInt(28, t.expStatSn());
            t.send(late.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 6, 0, 0, 1, 0}).data(block)); // WRITE(10) LBA 6
            Pdu tur = Pdu.of(Opcode.SCSI_COMMAND).flags(0x81).itt(822).putInt(24, sn + 1).putInt(28, t.expStatSn());
            t.send(tur.putBytes(32, new byte[6]));
            Pdu resp = t.read();
            assertThat(resp.opcode()).isEqualTo(Opcode.SCSI_RESPONSE);
            assertThat(resp.itt()).as("the late WRITE is not answered, the command after it is").isEqualTo(822);
        }
        try (TestInitiator reader = new TestInitiator(target.port())) {
            assertThat(reader.login("iqn.2026-11.test:reader", IQN, new byte[]{0x40, 0, 0, 0, 7, 1})).isZero();
            var read = reader.command(0, new byte[]{0x28, 0, 0, 0, 0, 6, 0, 0, 1, 0}, null, 512);
            assertThat(read.status()).isZero();
            assertThat(read.data()).as("the late WRITE never ran").containsOnly(0);
        }
    }

    /**
     * SAM-5: a LOGICAL UNIT RESET aborts every task of the unit, other initiators' too (they learn of it
     * from the UNIT ATTENTION 29h/03h). A command another session had queued behind a CmdSN hole ran.
     */
    @ParameterizedTest
    @ValueSource(ints = {5, 6}) // LOGICAL UNIT RESET, TARGET WARM RESET
    void aResetAbortsCommandsQueuedByOtherSessions(int function) throws Exception {
        byte[] block = new byte[512];
        Arrays.fill(block, (byte) 0x55);
        try (TestInitiator other = new TestInitiator(target.port());
             TestInitiator resetter = new TestInitiator(target.port())) {
            assertThat(other.login("iqn.2026-11.test:other", IQN, new byte[]{0x40, 0, 0, 0, 8, 1})).isZero();
            assertThat(resetter.login("iqn.2026-11.test:resetter", IQN, new byte[]{0x40, 0, 0, 0, 8, 2})).isZero();
            other.socket.setSoTimeout(3000);
            int sn = other.nextCmdSn();
            Pdu queued = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(830).putInt(20, 512).putInt(24, sn + 1)
                    .putInt(28, other.expStatSn());
            other.send(queued.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 7, 0, 0, 1, 0}).data(block)); // LBA 7
            assertThat(other.ping()).isTrue(); // the target has the queued WRITE
            Pdu tmf = Pdu.of(Opcode.TASK_MGMT_REQUEST).flags(0x80 | function).itt(831).putInt(20, Pdu.NO_TAG)
                    .putInt(24, resetter.takeCmdSn()).putInt(28, resetter.expStatSn());
            resetter.send(tmf);
            Pdu r = resetter.read();
            assertThat(r.opcode()).isEqualTo(Opcode.TASK_MGMT_RESPONSE);
            assertThat(r.getByte(2)).as("function complete").isZero();
            for (int k : new int[]{0, 2}) { // n fills the hole; n+2 shows ExpCmdSN moved past the aborted n+1
                Pdu c = Pdu.of(Opcode.SCSI_COMMAND).flags(0x81).itt(840 + k).putInt(24, sn + k)
                        .putInt(28, other.expStatSn());
                other.send(c.putBytes(32, new byte[6]));
                Pdu resp = other.read();
                assertThat(resp.opcode()).isEqualTo(Opcode.SCSI_RESPONSE);
                assertThat(resp.itt()).as("answer to CmdSN n+" + k).isEqualTo(840 + k);
                if (k == 0) {
                    assertThat(resp.getByte(3)).as("CHECK CONDITION").isEqualTo(0x02);
                    byte[] sense = Arrays.copyOfRange(resp.data(), 2, resp.data().length);
                    assertThat(sense[2] & 0x0f).as("UNIT ATTENTION").isEqualTo(0x06);
                    assertThat(sense[12] & 0xff).as("ASC").isEqualTo(0x29);
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a command after the aborted one was never answered", e);
        }
        try (TestInitiator reader = new TestInitiator(target.port())) {
            assertThat(reader.login("iqn.2026-11.test:reader", IQN, new byte[]{0x40, 0, 0, 0, 9, 1})).isZero();
            var read = reader.command(0, new byte[]{0x28, 0, 0, 0, 0, 7, 0, 0, 1, 0}, null, 512);
            assertThat(read.status()).isZero();
            assertThat(read.data()).as("the other session's queued WRITE never ran").containsOnly(0);
        }
    }
}
