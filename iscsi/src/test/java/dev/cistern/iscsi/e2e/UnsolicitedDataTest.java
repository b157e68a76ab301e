package dev.cistern.iscsi.e2e;

import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write data sent without an R2T must keep to what login negotiated (RFC 7143 13.10, 13.11, 13.14).
 * The target took immediate data with ImmediateData=No, unsolicited Data-Out with InitialR2T=Yes and
 * any amount beyond FirstBurstLength, and wrote it all with GOOD status.
 */
class UnsolicitedDataTest {
    private static final String IQN = "iqn.2026-11.dev.cistern:unsolicited";
    private static final byte[] WRITE_16_BLOCKS = {0x2a, 0, 0, 0, 0, 0, 0, 0, 16, 0};
    private IscsiTarget target;
    private int sessions;

    @BeforeEach
    void start() {
        target = MemoryTargets.start(MemoryTargets.definition(IQN, 1, 16L << 20, null, null, Set.of()));
    }

    @AfterEach
    void stop() {
        target.stop();
    }

    private TestInitiator session(Map<String, String> keys) throws Exception {
        TestInitiator t = new TestInitiator(target.port());
        sessions++;
        assertThat(t.login("iqn.2026-11.test:u" + sessions, IQN, new byte[]{0x40, 0, 0, 0, 3, (byte) sessions},
                false, keys)).isZero();
        t.socket.setSoTimeout(5000);
        return t;
    }

    private static Pdu write(TestInitiator t, int itt, boolean finalBit, byte[] immediate) {
        Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags((finalBit ? 0x80 : 0) | 0x21).itt(itt).putInt(20, 8192)
                .putInt(24, t.takeCmdSn()).putInt(28, t.expStatSn());
        return w.putBytes(32, WRITE_16_BLOCKS).data(immediate);
    }

    private static Pdu unsolicitedDataOut(TestInitiator t, int itt, int offset, int length) {
        byte[] data = new byte[length];
        Arrays.fill(data, (byte) 0x77);
        return Pdu.of(Opcode.DATA_OUT).flags(0x80).itt(itt).putInt(20, Pdu.NO_TAG).putInt(28, t.expStatSn())
                .putInt(36, 0).putInt(40, offset).data(data);
    }

    /** The SCSI Response of task {@code itt}, skipping R2Ts; asserts CHECK CONDITION, UNEXPECTED UNSOLICITED DATA. */
    private static void assertUnexpectedUnsolicitedData(TestInitiator t, int itt) throws Exception {
        Pdu r;
        do {
            r = t.read();
            assertThat(r).as("the target closed the connection").isNotNull();
        } while (r.opcode() == Opcode.R2T);
        assertThat(r.opcode()).isEqualTo(Opcode.SCSI_RESPONSE);
        assertThat(r.itt()).isEqualTo(itt);
        assertThat(r.getByte(3)).as("status").isEqualTo(0x02);
        byte[] sense = Arrays.copyOfRange(r.data(), 2, r.data().length);
        assertThat(sense[2] & 0x0f).as("sense key").isEqualTo(0x0b);
        assertThat(sense[12] & 0xff).as("ASC").isEqualTo(0x0c);
        assertThat(sense[13] & 0xff).as("ASCQ").isEqualTo(0x0c);
    }

    private static void assertNothingWritten(TestInitiator t) throws Exception {
        var read = t.command(0, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0}, null, 8192);
        assertThat(read.status()).isZero();
        assertThat(read.data()).as("nothing of the refused write landed").containsOnly(0);
    }

    @Test
    void immediateDataWhenImmediateDataIsNoIsRefused() throws Exception {
        try (TestInitiator t = session(Map.of("ImmediateData", "No"))) {
            byte[] imm = new byte[8192];
            Arrays.fill(imm, (byte) 0x55);
            t.send(write(t, 901, true, imm));
            assertUnexpectedUnsolicitedData(t, 901);
            assertThat(t.ping()).isTrue();
        }
        try (TestInitiator t = session(Map.of())) {
            assertNothingWritten(t);
        }
    }

    @Test
    void unsolicitedDataOutWhenInitialR2TIsYesIsRefused() throws Exception {
        try (TestInitiator t = session(Map.of("InitialR2T", "Yes"))) {
            t.send(write(t, 902, false, new byte[0]));
            t.send(unsolicitedDataOut(t, 902, 0, 8192));
            assertUnexpectedUnsolicitedData(t, 902);
            assertThat(t.ping()).isTrue();
            assertNothingWritten(t);
        }
    }

    @Test
    void unsolicitedDataOutBeyondFirstBurstLengthIsRefused() throws Exception {
        try (TestInitiator t = session(Map.of("InitialR2T", "No", "FirstBurstLength", "4096"))) {
            t.send(write(t, 903, false, new byte[0]));
            t.send(unsolicitedDataOut(t, 903, 0, 8192));
            assertUnexpectedUnsolicitedData(t, 903);
            assertThat(t.ping()).isTrue();
            assertNothingWritten(t);
        }
    }

    @Test
    void immediateDataBeyondFirstBurstLengthIsRefused() throws Exception {
        try (TestInitiator t = session(Map.of("FirstBurstLength", "4096"))) {
            t.send(write(t, 904, true, new byte[8192]));
            assertUnexpectedUnsolicitedData(t, 904);
            assertThat(t.ping()).isTrue();
            assertNothingWritten(t);
        }
    }

    @Test
    void unsolicitedDataWithinTheNegotiatedLimitsIsWritten() throws Exception {
        try (TestInitiator t = session(Map.of("InitialR2T", "No", "FirstBurstLength", "8192"))) {
            byte[] imm = new byte[4096];
            Arrays.fill(imm, (byte) 0x77);
            t.send(write(t, 905, false, imm));
            t.send(unsolicitedDataOut(t, 905, 4096, 4096));
            Pdu r = t.read();
            assertThat(r.opcode()).isEqualTo(Opcode.SCSI_RESPONSE);
            assertThat(r.getByte(3)).isZero();
            var read = t.command(0, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0}, null, 8192);
            assertThat(read.data()).containsOnly(0x77);
        }
    }

    @Test
    void firstBurstLengthAboveMaxBurstLengthCountsAsMaxBurstLength() throws Exception {
        try (TestInitiator t = session(Map.of("InitialR2T", "No", "FirstBurstLength", "8192",
                "MaxBurstLength", "4096"))) {
            t.send(write(t, 906, false, new byte[0]));
            t.send(unsolicitedDataOut(t, 906, 0, 8192)); // within the FirstBurstLength asked, beyond MaxBurstLength
            assertUnexpectedUnsolicitedData(t, 906);
            assertNothingWritten(t);
        }
    }

    /**
     * Unsolicited Data-Out of a command still queued behind a CmdSN hole was dropped: with F=0 the command
     * then waited for it forever, holding its write buffer.
     */
    @Test
    void unsolicitedDataOutOfACommandQueuedForItsCmdSnIsKept() throws Exception {
        try (TestInitiator t = session(Map.of("InitialR2T", "No", "FirstBurstLength", "8192"))) {
            int sn = t.nextCmdSn();
            Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0x21).itt(907).putInt(20, 8192).putInt(24, sn + 1)
                    .putInt(28, t.expStatSn());
            t.send(w.putBytes(32, WRITE_16_BLOCKS)); // CmdSN n+1 before n: queued
            t.send(unsolicitedDataOut(t, 907, 0, 8192));
            Pdu tur = Pdu.of(Opcode.SCSI_COMMAND).flags(0x81).itt(908).putInt(24, sn).putInt(28, t.expStatSn());
            t.send(tur.putBytes(32, new byte[6])); // fills the hole
            t.takeCmdSn();
            t.takeCmdSn();
            java.util.Set<Integer> answered = new java.util.HashSet<>();
            for (int i = 0; i < 2; i++) {
                Pdu r = t.read();
                assertThat(r.opcode()).isEqualTo(Opcode.SCSI_RESPONSE);
                assertThat(r.getByte(3)).as("status of 0x" + Integer.toHexString(r.itt())).isZero();
                answered.add(r.itt());
            }
            assertThat(answered).containsExactlyInAnyOrder(907, 908);
            var read = t.command(0, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0}, null, 8192);
            assertThat(read.data()).containsOnly(0x77);
        }
    }
}
