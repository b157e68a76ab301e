package dev.cistern.iscsi.e2e;

import dev.cistern.engine.BlockVolume;
import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.LunDefinition;
import dev.cistern.iscsi.ReservationStore;
import dev.cistern.iscsi.SanitizeStore;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.scsi.Command;
import dev.cistern.iscsi.scsi.CommandTable;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.pdu.PduWriter;
import dev.cistern.iscsi.testing.ForwardingVolume;
import dev.cistern.iscsi.testing.MemoryBlockVolume;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mutated and random PDUs against a live target: each hostile connection gets a Reject, an answer or
 * is closed, never takes the server down, and a well-behaved session running alongside keeps working.
 */
class HostileInputTest {
    private static final String IQN = "iqn.2026-11.dev.cistern:fuzz";
    private IscsiTarget target;
    private TestInitiator witness;

    @BeforeEach
    void start() throws Exception {
        target = MemoryTargets.start(MemoryTargets.definition(IQN, 1, 16L << 20, null, null, Set.of()));
        witness = new TestInitiator(target.port());
        assertThat(witness.login("iqn.2026-11.test:witness", IQN, new byte[]{0x40, 0, 0, 0, 0, 1})).isZero();
    }

    @AfterEach
    void stop() throws Exception {
        witness.close();
        target.stop();
    }

    private void witnessStillWorks() throws Exception {
        byte[] read10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};
        assertThat(witness.command(0, read10, null, 512).status()).isZero();
        assertThat(target.healthy()).isTrue();
    }

    private TestInitiator fuzzSession(int n) throws Exception {
        TestInitiator t = new TestInitiator(target.port());
        assertThat(t.login("iqn.2026-11.test:fuzz" + n, IQN, new byte[]{0x40, 0, 0, 0, 1, (byte) n})).isZero();
        t.socket.setSoTimeout(300);
        return t;
    }

    /** Reads until the target closes the connection or goes quiet; returns the opcodes seen. */
    private static String drain(TestInitiator t) {
        StringBuilder seen = new StringBuilder();
        try {
            for (int i = 0; i < 16; i++) {
                Pdu p = t.read();
                if (p == null) return seen.append("closed").toString();
                seen.append(Integer.toHexString(p.opcode())).append(' ');
            }
        } catch (SocketTimeoutException e) {
            seen.append("quiet");
        } catch (Exception e) {
            seen.append("closed");
        }
        return seen.toString();
    }

    private static Pdu validCommand(TestInitiator t) {
        Pdu p = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).putShort(8, 0).itt(77).putInt(20, 512)
                .putInt(24, t.nextCmdSn()).putInt(28, t.expStatSn());
        p.putBytes(32, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0});
        return p;
    }

    @Test
    void unknownOpcodeIsRejectedAndTheSessionGoesOn() throws Exception {
        try (TestInitiator t = fuzzSession(1)) {
            Pdu bad = Pdu.of(0x1c).flags(0x80).itt(5).putInt(24, t.nextCmdSn());
            t.send(bad);
            Pdu r = t.read();
            assertThat(r.opcode()).isEqualTo(Opcode.REJECT);
            assertThat(r.getByte(2)).isEqualTo(0x05);
            assertThat(r.data()).hasSize(48);
            assertThat(t.ping()).isTrue();
        }
    }

    @Test
    void dataDigestErrorIsRejectedHeaderDigestErrorClosesTheConnection() throws Exception {
        try (TestInitiator t = new TestInitiator(target.port())) {
            assertThat(t.login("iqn.2026-11.test:digest", IQN, new byte[]{0x40, 0, 0, 0, 2, 2}, true)).isZero();
            Pdu nop = Pdu.of(Opcode.NOP_OUT).flags(0x80).itt(9).putInt(20, Pdu.NO_TAG).putInt(24, t.nextCmdSn());
            nop.bhs()[0] |= 0x40;
            nop.data(new byte[]{1, 2, 3, 4});
            byte[] wire = PduWriter.encode(nop, true, true);
            wire[wire.length - 1] ^= 0x55; // corrupt the data digest
            t.sendRaw(wire);
            Pdu r = t.read();
            assertThat(r.opcode()).isEqualTo(Opcode.REJECT);
            assertThat(r.getByte(2)).isEqualTo(0x02);
            assertThat(t.ping()).isTrue();
            byte[] wire2 = PduWriter.encode(nop, true, true);
            wire2[50] ^= 0x55; // corrupt the header digest
            t.sendRaw(wire2);
            t.socket.setSoTimeout(3000);
            assertThat(drain(t)).endsWith("closed");
        }
        witnessStillWorks();
    }

    @Test
    void dataOutWithADataDigestErrorEndsItsCommandInCheckConditionAndWritesNothing() throws Exception {
        // RFC 7143 7.8: Reject, then (at ErrorRecoveryLevel 0) the task ends in CHECK CONDITION "protocol
        // service CRC error" once all its data came. The target rejected the PDU and then dropped the
        // connection at the next Data-Out's offset, or, when the bad PDU was the last, never answered
        try (TestInitiator t = new TestInitiator(target.port())) {
            assertThat(t.login("iqn.2026-11.test:crc", IQN, new byte[]{0x40, 0, 0, 0, 2, 3}, true)).isZero();
            t.socket.setSoTimeout(3000);
            Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(55).putInt(20, 8192)
                    .putInt(24, t.nextCmdSn()).putInt(28, t.expStatSn());
            w.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 0, 0, 0, 16, 0}); // 16 blocks from LBA 0, no immediate data
            t.send(w);
            Pdu r2t = t.read();
            assertThat(r2t.opcode()).isEqualTo(Opcode.R2T);
            for (int i = 0; i < 2; i++) {
                byte[] data = new byte[4096];
                java.util.Arrays.fill(data, (byte) 0x5a);
                Pdu d = Pdu.of(Opcode.DATA_OUT).flags(i == 1 ? 0x80 : 0).itt(55).putInt(20, r2t.getInt(20))
                        .putInt(28, t.expStatSn()).putInt(36, i).putInt(40, 4096 * i);
                byte[] wire = PduWriter.encode(d.data(data), true, true);
                if (i == 0) wire[wire.length - 1] ^= 0x55; // the first Data-Out's data digest
                t.sendRaw(wire);
            }
            Pdu reject = t.read();
            assertThat(reject.opcode()).isEqualTo(Opcode.REJECT);
            assertThat(reject.getByte(2)).isEqualTo(0x02);
            Pdu status = t.read();
            assertThat(status.opcode()).isEqualTo(Opcode.SCSI_RESPONSE);
            assertThat(status.itt()).isEqualTo(55);
            assertThat(status.getByte(3)).isEqualTo(0x02); // CHECK CONDITION
            byte[] sense = java.util.Arrays.copyOfRange(status.data(), 2, status.data().length);
            assertThat(sense[2] & 0x0f).isEqualTo(0x0b); // ABORTED COMMAND
            assertThat(sense[12] & 0xff).isEqualTo(0x47);
            assertThat(sense[13] & 0xff).isEqualTo(0x05); // protocol service CRC error
            assertThat(t.ping()).isTrue();
            var read = witness.command(0, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 16, 0}, null, 8192);
            assertThat(read.data()).as("nothing of the failed write landed").containsOnly(0);
        }
        witnessStillWorks();
    }

    @Test
    void abortingACommandQueuedAheadOfItsTurnDoesNotStallTheCommandsAfterIt() throws Exception {
        // ABORT TASK removed the queued command and with it its CmdSN: once the gap before it filled,
        // ExpCmdSN stopped there and every later command waited for ever
        try (TestInitiator t = fuzzSession(5)) {
            t.socket.setSoTimeout(3000);
            int sn = t.nextCmdSn();
            byte[] read10 = {0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0};
            Pdu ahead = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(601).putInt(20, 512).putInt(24, sn + 1)
                    .putInt(28, t.expStatSn());
            t.send(ahead.putBytes(32, read10)); // CmdSN n+1 before n: queued
            Pdu abort = Pdu.of(Opcode.TASK_MGMT_REQUEST).flags(0x80 | 1).itt(602).putInt(20, 601)
                    .putInt(24, sn).putInt(28, t.expStatSn()).putInt(32, sn + 1);
            abort.bhs()[0] |= 0x40; // immediate
            t.send(abort);
            Pdu tmf = t.read();
            assertThat(tmf.opcode()).isEqualTo(Opcode.TASK_MGMT_RESPONSE);
            assertThat(tmf.getByte(2)).isZero(); // function complete
            for (int k : new int[]{0, 2}) { // CmdSN n, then n+2: n+1 was used up by the aborted command
                Pdu c = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(610 + k).putInt(20, 512).putInt(24, sn + k)
                        .putInt(28, t.expStatSn());
                t.send(c.putBytes(32, read10));
                Pdu in = t.read();
                assertThat(in.itt()).isEqualTo(610 + k);
                assertThat(in.opcode()).isEqualTo(Opcode.DATA_IN);
                assertThat(in.getByte(3)).isZero();
            }
            assertThat(drain(t)).as("the aborted command never runs").isEqualTo("quiet");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("a command after the aborted one was never answered", e);
        }
    }

    @Test
    void anExpectedLengthOf2GiBOrMoreIsUnsigned() throws Exception {
        // EDTL was read as a signed int: a READ of one block with EDTL 0x80000000 answered GOOD with no
        // data at all and an overflow residual of 0x7fffffff
        try (TestInitiator t = fuzzSession(6)) {
            Pdu r = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(701).putInt(20, 0x80000000)
                    .putInt(24, t.nextCmdSn()).putInt(28, t.expStatSn());
            t.send(r.putBytes(32, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}));
            Pdu in = t.read();
            assertThat(in.opcode()).isEqualTo(Opcode.DATA_IN);
            assertThat(in.data()).hasSize(512);
            assertThat(in.flags() & 0x07).isEqualTo(0x03); // status in this PDU, underflow
            assertThat(in.getByte(3)).isZero();
            assertThat(Integer.toUnsignedLong(in.getInt(44))).isEqualTo(0x80000000L - 512);
        }
    }

    @Test
    void aLoginPduOverTheDefaultSegmentLengthIsAnsweredInitiatorError() throws Exception {
        // RFC 7143: login PDUs carry at most 8192 bytes of data (MaxRecvDataSegmentLength is not yet
        // negotiated) and a protocol error in login is answered by a Login Response with status class
        // Initiator Error before the connection closes. The target closed it without a word
        try (TestInitiator t = new TestInitiator(target.port())) {
            Pdu login = Pdu.of(Opcode.LOGIN_REQUEST).flags(0x80 | 1).itt(42).putInt(24, 1)
                    .putBytes(8, new byte[]{0x40, 0, 0, 0, 9, 1});
            login.bhs()[0] |= 0x40;
            byte[] text = new byte[9000];
            byte[] name = "InitiatorName=iqn.2026-11.test:big\0SessionType=Discovery\0X-Pad=".getBytes();
            System.arraycopy(name, 0, text, 0, name.length);
            java.util.Arrays.fill(text, name.length, text.length - 1, (byte) 'a');
            t.send(login.data(text));
            t.socket.setSoTimeout(3000);
            Pdu r = t.read();
            assertThat(r).as("a Login Response before the hang-up").isNotNull();
            assertThat(r.opcode()).isEqualTo(Opcode.LOGIN_RESPONSE);
            assertThat(r.itt()).isEqualTo(42);
            assertThat(r.getShort(36)).isEqualTo(dev.cistern.iscsi.login.LoginStatus.INITIATOR_ERROR);
            assertThat(drain(t)).isEqualTo("closed");
        }
        witnessStillWorks();
    }

    @Test
    void outOfWindowCmdSnIsIgnored() throws Exception {
        try (TestInitiator t = fuzzSession(3)) {
            Pdu p = validCommand(t).putInt(24, t.nextCmdSn() + 1000);
            t.send(p);
            assertThat(drain(t)).isEqualTo("quiet");
            assertThat(t.ping()).isTrue();
        }
    }

    @Test
    void writesWhoseDataNeverComesCannotExhaustTheHeap() throws Exception {
        // each WRITE(10) of 16 MiB with no data made the target allocate its buffer and send an R2T: 59 of
        // them took a 1 GiB server down with OutOfMemoryError
        try (TestInitiator t = fuzzSession(4)) {
            t.socket.setSoTimeout(3000);
            int commands = 24;
            for (int i = 0; i < commands; i++) {
                Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(1000 + i).putInt(20, 16 << 20)
                        .putInt(24, t.nextCmdSn() + i).putInt(28, t.expStatSn());
                w.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0, 0});
                t.send(w);
            }
            int r2t = 0;
            int full = 0;
            for (int i = 0; i < commands; i++) {
                Pdu r = t.read();
                if (r.opcode() == Opcode.R2T) r2t++;
                else if (r.opcode() == Opcode.SCSI_RESPONSE && r.getByte(3) == 0x28) full++;
            }
            assertThat(r2t).isEqualTo(4); // 64 MiB of write buffers per connection
            assertThat(full).isEqualTo(commands - 4); // TASK SET FULL for the rest
        }
        witnessStillWorks();
    }

    @Test
    void smallWritesWhoseDataNeverComesCannotPileUpWithoutBound() throws Exception {
        // the write budget counted a waiting write by its data alone: a one-block write, its data never
        // sent, held a task of a few hundred bytes of heap besides for 512 bytes of budget, and writes of
        // one byte for one byte, so a connection could keep millions waiting and exhaust the heap
        String iqn = "iqn.2026-11.dev.cistern:smallwrites";
        IscsiTarget small = startedTarget(iqn, 1L << 20);
        try (TestInitiator t = new TestInitiator(small.port())) {
            assertThat(t.login("iqn.2026-11.test:small", iqn, new byte[]{0x40, 0, 0, 0, 8, 1})).isZero();
            int commands = 1500;
            for (int i = 0; i < commands; i++) {
                Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(5000 + i).putInt(20, 512)
                        .putInt(24, t.nextCmdSn() + i).putInt(28, t.expStatSn());
                t.send(w.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0}));
            }
            int r2t = 0;
            int full = 0;
            for (int i = 0; i < commands; i++) {
                Pdu r = t.read();
                if (r.opcode() == Opcode.R2T) r2t++;
                else if (r.opcode() == Opcode.SCSI_RESPONSE && r.getByte(3) == 0x28) full++;
            }
            int fits = (int) ((1L << 20) / dev.cistern.iscsi.session.CommandMemory.LEAST_HELD);
            assertThat(r2t).as("writes waiting for their data").isEqualTo(fits);
            assertThat(full).isEqualTo(commands - fits);
        } finally {
            small.stop();
        }
    }

    @Test
    void emptyDataOutForAQueuedWriteCannotPileUpWithoutBound() throws Exception {
        // unsolicited Data-Out for a write queued behind a CmdSN hole is kept until the write runs, counted
        // by its data: empty ones were kept for nothing, as many as the initiator sent
        String iqn = "iqn.2026-11.dev.cistern:emptydataout";
        IscsiTarget small = startedTarget(iqn, 1L << 20);
        try (TestInitiator t = new TestInitiator(small.port())) {
            assertThat(t.login("iqn.2026-11.test:empty", iqn, new byte[]{0x40, 0, 0, 0, 8, 2}, false,
                    java.util.Map.of("InitialR2T", "No"))).isZero();
            t.socket.setSoTimeout(3000);
            Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0x21).itt(6001).putInt(20, 8192)
                    .putInt(24, t.nextCmdSn() + 1).putInt(28, t.expStatSn()); // CmdSN n is never sent
            t.send(w.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 0, 0, 0, 16, 0}));
            try {
                for (int i = 0; i < 4000; i++) {
                    t.send(Pdu.of(Opcode.DATA_OUT).itt(6001).putInt(20, Pdu.NO_TAG).putInt(28, t.expStatSn())
                            .putInt(36, i).putInt(40, 0));
                }
            } catch (IOException e) {
                // the target hung up while the Data-Out was still being sent
            }
            assertThat(drain(t)).endsWith("closed");
        } finally {
            small.stop();
        }
    }

    @Test
    void manyConnectionsTogetherStayWithinTheTargetsWriteBudget() throws Exception {
        // the per-connection bound alone let 15 connections with 64 MiB of pending writes each take a
        // 1 GiB server to OutOfMemoryError; all connections now draw on one target-wide budget
        String iqn = "iqn.2026-11.dev.cistern:shared";
        IscsiTarget small = startedTarget(iqn, 32L << 20);
        try (TestInitiator a = new TestInitiator(small.port()); TestInitiator b = new TestInitiator(small.port())) {
            assertThat(a.login("iqn.2026-11.test:a", iqn, new byte[]{0x40, 0, 0, 0, 5, 1})).isZero();
            assertThat(b.login("iqn.2026-11.test:b", iqn, new byte[]{0x40, 0, 0, 0, 5, 2})).isZero();
            int[] r2ts = new int[2];
            TestInitiator[] both = {a, b};
            for (int c = 0; c < 2; c++) {
                TestInitiator t = both[c];
                for (int i = 0; i < 3; i++) {
                    Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(4000 + i).putInt(20, 16 << 20)
                            .putInt(24, t.nextCmdSn() + i).putInt(28, t.expStatSn());
                    w.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0, 0});
                    t.send(w);
                }
                for (int i = 0; i < 3; i++) if (t.read().opcode() == Opcode.R2T) r2ts[c]++;
            }
            assertThat(r2ts).containsExactly(2, 0); // 32 MiB in all: b's writes are TASK SET FULL
            a.close(); // a's writes never got their data: its connection's end gives their budget back
            int r2t = 0;
            for (int i = 0; i < 50 && r2t == 0; i++) {
                Thread.sleep(20);
                Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(4100 + i).putInt(20, 16 << 20)
                        .putInt(24, b.nextCmdSn() + 3 + i).putInt(28, b.expStatSn());
                w.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0, 0});
                b.send(w);
                if (b.read().opcode() == Opcode.R2T) r2t++;
            }
            assertThat(r2t).as("a write once the other connection is gone").isEqualTo(1);
        } finally {
            small.stop();
        }
    }

    @Test
    void aReadBeyondTheTargetsReadBudgetIsRefusedNotMadeToWaitForAnotherConnection() throws Exception {
        // with a blocking target-wide read budget, connection b's reader thread waited for a's reads, whose
        // initiator was not collecting its Data-In: b hung (and stopped reading its keepalive answers)
        String iqn = "iqn.2026-11.dev.cistern:readbudget";
        IscsiTarget small = startedTarget(iqn, 16L << 20);
        try (TestInitiator a = new TestInitiator(small.port()); TestInitiator b = new TestInitiator(small.port())) {
            assertThat(a.login("iqn.2026-11.test:a", iqn, new byte[]{0x40, 0, 0, 0, 7, 1})).isZero();
            assertThat(b.login("iqn.2026-11.test:b", iqn, new byte[]{0x40, 0, 0, 0, 7, 2})).isZero();
            for (int i = 0; i < 4; i++) { // 64 MiB of Data-In that a never reads
                Pdu r = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(900 + i).putInt(20, 16 << 20)
                        .putInt(24, a.nextCmdSn() + i).putInt(28, a.expStatSn());
                a.send(r.putBytes(32, new byte[]{0x28, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0, 0}));
            }
            Thread.sleep(500);
            b.socket.setSoTimeout(3000);
            var r = b.command(0, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}, null, 512);
            assertThat(r.status()).isEqualTo(0x28); // TASK SET FULL: the initiator retries later
            assertThat(b.ping()).isTrue();
        } finally {
            small.stop();
        }
    }

    @Test
    void readsOfNoBlocksWhoseStatusIsNotCollectedDoNotPileUp() throws Exception {
        // a read counted in the read budget by its blocks: one of no blocks counted nothing, yet runs on a
        // thread of its own until its status is sent, which waits for ever on an initiator not reading
        String iqn = "iqn.2026-11.dev.cistern:noblocks";
        IscsiTarget small = startedTarget(iqn, 17L << 20);
        try (TestInitiator t = new TestInitiator(small.port())) {
            assertThat(t.login("iqn.2026-11.test:noblocks", iqn, new byte[]{0x40, 0, 0, 0, 8, 3})).isZero();
            int sn = t.nextCmdSn();
            Pdu big = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(7000).putInt(20, 16 << 20).putInt(24, sn)
                    .putInt(28, t.expStatSn()); // 16 MiB of Data-In, never read: the socket fills up
            t.send(big.putBytes(32, new byte[]{0x28, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0, 0}));
            int reads = 3000;
            for (int i = 1; i <= reads; i++) {
                Pdu r = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(7000 + i).putInt(20, 0).putInt(24, sn + i)
                        .putInt(28, t.expStatSn());
                t.send(r.putBytes(32, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
            }
            Thread.sleep(1500);
            long fits = (1L << 20) / dev.cistern.iscsi.session.CommandMemory.LEAST_HELD; // beside the big read
            assertThat(dev.cistern.iscsi.testing.Threads.named("iscsi-io-")).as("threads of running reads")
                    .isLessThanOrEqualTo(fits + 1);
        } finally {
            small.stop();
        }
    }

    @Test
    void commandsQueuedBehindACmdSnHoleCannotHoardData() throws Exception {
        // commands ahead of ExpCmdSN wait in a queue of up to 63 with their immediate data (up to 256 KiB
        // each): 49 connections leaving a hole ran a 1 GiB server out of heap. Their data now counts
        // against the target's write budget and a connection that overruns it is closed
        String iqn = "iqn.2026-11.dev.cistern:queued";
        IscsiTarget small = startedTarget(iqn, 4L << 20);
        try (TestInitiator t = new TestInitiator(small.port())) {
            assertThat(t.login("iqn.2026-11.test:holes", iqn, new byte[]{0x40, 0, 0, 0, 6, 1})).isZero();
            t.socket.setSoTimeout(3000);
            try {
                for (int i = 1; i <= 40; i++) { // CmdSN n is never sent
                    Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(800 + i).putInt(20, 256 * 1024)
                            .putInt(24, t.nextCmdSn() + i).putInt(28, t.expStatSn());
                    w.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 0, 0, 2, 0, 0});
                    t.send(w.data(new byte[256 * 1024]));
                }
            } catch (IOException e) {
                // the target hung up while the commands were still being sent
            }
            assertThat(drain(t)).endsWith("closed");
        } finally {
            small.stop();
        }
    }

    @Test
    void readsWhoseDataInIsNotCollectedDoNotPileUp() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        MemoryBlockVolume volume = new MemoryBlockVolume(16L << 20, 512);
        BlockVolume counting = new ForwardingVolume(volume) {
            @Override
            public void read(long offset, java.nio.ByteBuffer dst) {
                reads.incrementAndGet();
                super.read(offset, dst);
            }
        };
        String iqn = "iqn.2026-11.dev.cistern:slowreader";
        IscsiTarget slow = MemoryTargets.start(new TargetDefinition(iqn,
                List.of(new LunDefinition(0, () -> counting, ReservationStore.inMemory(), SanitizeStore.inMemory())),
                null, null, Set.of()));
        try (TestInitiator t = new TestInitiator(slow.port())) {
            assertThat(t.login("iqn.2026-11.test:slow", iqn, new byte[]{0x40, 0, 0, 0, 3, 1})).isZero();
            int commands = 24;
            for (int i = 0; i < commands; i++) { // READ(10) of 16 MiB each, none of the Data-In read yet
                Pdu r = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(2000 + i).putInt(20, 16 << 20)
                        .putInt(24, t.nextCmdSn() + i).putInt(28, t.expStatSn());
                r.putBytes(32, new byte[]{0x28, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0, 0});
                t.send(r);
            }
            Thread.sleep(1500);
            // every read took its 16 MiB buffer and filled it while the Data-In stayed unsent
            assertThat(reads.get()).isLessThanOrEqualTo(4);
            int good = 0;
            while (good < commands) {
                Pdu p = t.read();
                if (p.opcode() == Opcode.DATA_IN && (p.flags() & 0x01) != 0 && p.getByte(3) == 0) good++;
            }
            assertThat(reads.get()).isEqualTo(commands);
            assertThat(t.ping()).isTrue();
        } finally {
            slow.stop();
        }
    }

    @Test
    void aFailureInARunningReadIsLoggedAndEndsTheConnection() throws Exception {
        // block reads run on threads of their own, which closed the connection on an exception without a
        // word in the log (the reader thread logs one), and on an Error (a class that no longer loads, a
        // runaway recursion) left the command unanswered on an open connection for ever
        MemoryBlockVolume volume = new MemoryBlockVolume(16L << 20, 512);
        java.util.concurrent.atomic.AtomicReference<Throwable> fail = new java.util.concurrent.atomic.AtomicReference<>();
        BlockVolume failing = new ForwardingVolume(volume) {
            @Override
            public void read(long offset, java.nio.ByteBuffer dst) {
                if (fail.get() instanceof Error e) throw e;
                throw (RuntimeException) fail.get();
            }
        };
        String iqn = "iqn.2026-11.dev.cistern:failing";
        IscsiTarget t = MemoryTargets.start(new TargetDefinition(iqn,
                List.of(new LunDefinition(0, () -> failing, ReservationStore.inMemory(), SanitizeStore.inMemory())),
                null, null, Set.of()));
        dev.cistern.iscsi.testing.LogWatch watch = new dev.cistern.iscsi.testing.LogWatch();
        List<String> logged = watch.records();
        try {
            int n = 0;
            for (Throwable failure : List.of(new IllegalStateException("volume bug"), new StackOverflowError())) {
                fail.set(failure);
                try (TestInitiator i = new TestInitiator(t.port())) {
                    assertThat(i.login("iqn.2026-11.test:failing", iqn, new byte[]{0x40, 0, 0, 0, 9, (byte) ++n})).isZero();
                    i.socket.setSoTimeout(3000);
                    Pdu r = Pdu.of(Opcode.SCSI_COMMAND).flags(0xc1).itt(8000).putInt(20, 512)
                            .putInt(24, i.nextCmdSn()).putInt(28, i.expStatSn());
                    i.send(r.putBytes(32, new byte[]{0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}));
                    assertThat(drain(i)).as("after %s", failure).isEqualTo("closed");
                }
                assertThat(logged).as("logged").anyMatch(l -> l.contains(failure.getClass().getName()));
            }
        } finally {
            watch.close();
            t.stop();
        }
    }

    @Test
    void anErrorInACommandOnTheReaderThreadIsLogged() throws Exception {
        // commands that are no block I/O run on the connection's reader thread, whose end logged an
        // exception but let an Error go to stderr only, past the server's log
        CommandTable table = new CommandTable();
        table.add(new Command(0x0a, -1, Command.usage(0x0a, 0x01, 0xff, 0xff, 0xff, 0x07), Command.Access.WRITE,
                (lu, r) -> {
                    throw new StackOverflowError();
                }));
        String iqn = "iqn.2026-11.dev.cistern:throwing";
        IscsiTarget t = MemoryTargets.start(new TargetDefinition(iqn, List.of(LunDefinition.ofDevice(0,
                ReservationStore.inMemory(), (n, res) -> new LogicalUnit(n, new Object(), table, res, "SEQ0"))),
                null, null, Set.of()));
        dev.cistern.iscsi.testing.LogWatch watch = new dev.cistern.iscsi.testing.LogWatch();
        List<String> logged = watch.records();
        try (TestInitiator i = new TestInitiator(t.port())) {
            assertThat(i.login("iqn.2026-11.test:throwing", iqn, new byte[]{0x40, 0, 0, 0, 9, 9})).isZero();
            i.socket.setSoTimeout(3000);
            Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(8100).putInt(20, 16)
                    .putInt(24, i.nextCmdSn()).putInt(28, i.expStatSn());
            i.send(w.putBytes(32, new byte[]{0x0a, 0, 0, 0, 16, 0}).data(new byte[16]));
            assertThat(drain(i)).isEqualTo("closed");
            long until = System.currentTimeMillis() + 2000;
            while (logged.isEmpty() && System.currentTimeMillis() < until) Thread.sleep(20);
            assertThat(logged).anyMatch(l -> l.contains("StackOverflowError"));
        } finally {
            watch.close();
            t.stop();
        }
    }

    @Test
    void pipelinedCommandsToANonDiskUnitRunInCmdSnOrder() throws Exception {
        // a tape drive's WRITE(6) (0x0a) was taken for a block write with an LBA made of its transfer
        // length: records of different lengths ran concurrently and reached the tape out of order
        List<Integer> written = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        CommandTable table = new CommandTable();
        table.add(new Command(0x0a, -1, Command.usage(0x0a, 0x01, 0xff, 0xff, 0xff, 0x07), Command.Access.WRITE,
                (lu, r) -> {
                    int tag = r.dataOut()[0];
                    if (tag % 2 == 0) {
                        try {
                            Thread.sleep(50); // a slow record: the next one would overtake it
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    written.add(tag);
                    return ScsiResponse.wrote(r.dataOut().length);
                }));
        String iqn = "iqn.2026-11.dev.cistern:sequential";
        IscsiTarget tape = MemoryTargets.start(new TargetDefinition(iqn, List.of(LunDefinition.ofDevice(0,
                ReservationStore.inMemory(), (n, res) -> new LogicalUnit(n, new Object(), table, res, "SEQ0"))),
                null, null, Set.of()));
        try (TestInitiator t = new TestInitiator(tape.port())) {
            assertThat(t.login("iqn.2026-11.test:tape", iqn, new byte[]{0x40, 0, 0, 0, 4, 1})).isZero();
            int records = 10;
            for (int k = 0; k < records; k++) {
                int len = 0x200 * (k + 1) + 1; // as a block range: LBA 2(k+1), 1 block, all disjoint
                byte[] data = new byte[len];
                data[0] = (byte) k;
                Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(3000 + k).putInt(20, len)
                        .putInt(24, t.nextCmdSn() + k).putInt(28, t.expStatSn());
                w.putBytes(32, new byte[]{0x0a, 0, (byte) (len >>> 16), (byte) (len >>> 8), (byte) len, 0});
                t.send(w.data(data));
            }
            for (int k = 0; k < records; k++) assertThat(t.read().opcode()).isEqualTo(Opcode.SCSI_RESPONSE);
            assertThat(written).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        } finally {
            tape.stop();
        }
    }

    @Test
    void idleUnauthenticatedConnectionsCostLittleHeap() throws Exception {
        // each accepted connection read through a 256 KiB buffer from its first byte: ~3000 idle TCP
        // connections (no login at all) took a 1 GiB server to OutOfMemoryError, its HTTP threads included
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        List<java.net.Socket> idle = new java.util.ArrayList<>();
        // all from one address: the default share of one address would refuse most of them unserved
        IscsiTarget roomy = new IscsiTarget(() -> List.of(), new java.net.InetSocketAddress("127.0.0.1", 0),
                java.time.Duration.ofSeconds(30), dev.cistern.iscsi.session.CommandMemory.forHeap(),
                dev.cistern.iscsi.TargetLimits.defaults().withConnections(2000, 2000));
        roomy.start();
        try {
            System.gc();
            long before = memory.getHeapMemoryUsage().getUsed();
            for (int i = 0; i < 1000; i++) idle.add(new java.net.Socket("127.0.0.1", roomy.port()));
            Thread.sleep(1500); // every connection's thread is now blocked reading its first PDU
            System.gc();
            long grown = memory.getHeapMemoryUsage().getUsed() - before;
            assertThat(grown).as("heap taken by 1000 idle connections").isLessThan(64L << 20);
            assertThat(dev.cistern.iscsi.testing.Threads.named("iscsi-conn-")).as("each one served")
                    .isGreaterThanOrEqualTo(1000);
        } finally {
            for (java.net.Socket s : idle) s.close();
            roomy.stop();
        }
        witnessStillWorks();
    }

    @Test
    void randomMutationsNeverHurtTheTargetOrOtherSessions() throws Exception {
        Random rnd = new Random(7143);
        int closed = 0;
        int answered = 0;
        for (int round = 0; round < 90; round++) {
            try (TestInitiator t = fuzzSession(10 + round % 200)) {
                byte[] wire = PduWriter.encode(validCommand(t), false, false);
                switch (round % 6) {
                    case 0 -> { // flip random header bytes
                        for (int i = 0; i < 1 + rnd.nextInt(6); i++) wire[rnd.nextInt(48)] ^= (byte) (1 + rnd.nextInt(255));
                    }
                    case 1 -> wire[0] = (byte) rnd.nextInt(64); // random opcode
                    case 2 -> { // absurd data segment and AHS lengths
                        wire[4] = (byte) rnd.nextInt(256);
                        wire[5] = (byte) rnd.nextInt(256);
                    }
                    case 3 -> wire = java.util.Arrays.copyOf(wire, rnd.nextInt(48)); // truncated header
                    case 4 -> { // random garbage
                        wire = new byte[1 + rnd.nextInt(300)];
                        rnd.nextBytes(wire);
                    }
                    default -> { // a write whose Data-Out goes wild
                        Pdu w = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).itt(88).putInt(20, 4096)
                                .putInt(24, t.nextCmdSn()).putInt(28, t.expStatSn());
                        w.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, 0, 0, 0, 8, 0});
                        Pdu d = Pdu.of(Opcode.DATA_OUT).flags(0x80).itt(88).putInt(20, rnd.nextInt())
                                .putInt(36, rnd.nextInt(3)).putInt(40, rnd.nextInt(8192) - 100);
                        d.data(new byte[rnd.nextInt(2048)]);
                        byte[] a = PduWriter.encode(w, false, false);
                        byte[] b = PduWriter.encode(d, false, false);
                        wire = java.util.Arrays.copyOf(a, a.length + b.length);
                        System.arraycopy(b, 0, wire, a.length, b.length);
                    }
                }
                try {
                    t.sendRaw(wire);
                } catch (IOException e) {
                    // the target may already have hung up on a previous part
                }
                String seen = drain(t);
                if (seen.endsWith("closed")) closed++;
                else answered++;
            }
            if (round % 10 == 9) witnessStillWorks();
        }
        assertThat(closed + answered).isEqualTo(90);
        assertThat(closed).isPositive();
        witnessStillWorks();
        // fuzz connections are all gone: only the witness remains logged in
        long deadline = System.currentTimeMillis() + 5000;
        while (target.sessions().size() > 1 && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertThat(target.sessions()).hasSize(1);
    }

    /** A started target of one 16 MiB memory LUN named {@code iqn}, whose connections share {@code budgetBytes}. */
    private static IscsiTarget startedTarget(String iqn, long budgetBytes) throws Exception {
        var def = MemoryTargets.definition(iqn, 1, 16L << 20, null, null, Set.of());
        IscsiTarget t = new IscsiTarget(() -> List.of(def), new java.net.InetSocketAddress("127.0.0.1", 0),
                java.time.Duration.ofSeconds(30), new dev.cistern.iscsi.session.CommandMemory(budgetBytes));
        t.start();
        return t;
    }
}
