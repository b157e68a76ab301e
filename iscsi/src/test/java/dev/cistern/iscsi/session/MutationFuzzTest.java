package dev.cistern.iscsi.session;

import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.login.TextParams;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.testing.LogWatch;
import dev.cistern.iscsi.testing.MemoryTargets;
import dev.cistern.iscsi.testing.TestInitiator;
import dev.cistern.iscsi.testing.Threads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded mutation fuzzing of the target: valid sessions (login, INQUIRY, READ/WRITE(10/16) with
 * immediate, unsolicited and solicited data, NOP-Out, task management, Text, Logout) with one or more
 * of their PDUs mutated on the wire (opcode, flags, lengths, tags, sequence numbers, offsets, CDB
 * fields, login text, truncation, byte flips). After every case a fresh login must answer INQUIRY;
 * at checkpoints the data a separate initiator stored before the fuzzing (on a target the fuzz
 * initiators may not log in to, sharing the listener, the budgets and the threads) reads back
 * unchanged, the sessions, connection threads and command-data budgets are back to their baseline, and
 * the target logged no warning or failure. Runs ~15 s with a fixed seed; -Dcistern.test.long=true runs
 * 5 minutes, -Dcistern.fuzz.seed=N and -Dcistern.fuzz.seconds=N pick another seed and length.
 */
class MutationFuzzTest {
    private static final String FUZZ_IQN = "iqn.2026-11.dev.cistern:mutations";
    private static final String VAULT_IQN = "iqn.2026-11.dev.cistern:vault";
    private static final String KEEPER = "iqn.2026-11.test:keeper";
    private static final long SEED = Long.getLong("cistern.fuzz.seed", 7143_2026L);
    private static final long SECONDS = Long.getLong("cistern.fuzz.seconds",
            Boolean.getBoolean("cistern.test.long") ? 300 : 15);
    private static final int CHECK_EVERY = 40;

    private final CommandMemory memory = new CommandMemory(64L << 20);
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private LogWatch logWatch;
    private Thread.UncaughtExceptionHandler previousHandler;
    private IscsiTarget target;
    private byte[] kept;
    private final Map<String, Integer> outcomes = new TreeMap<>();
    private int isid;

    @BeforeEach
    void start() throws Exception {
        logWatch = new LogWatch();
        previousHandler = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> problems.add("uncaught in " + t + ": " + e));
        TargetDefinition fuzz = MemoryTargets.definition(FUZZ_IQN, 2, 8L << 20, null, null, Set.of());
        TargetDefinition vault = MemoryTargets.definition(VAULT_IQN, 1, 1L << 20, null, null, Set.of(KEEPER));
        target = new IscsiTarget(() -> List.of(fuzz, vault), new InetSocketAddress("127.0.0.1", 0),
                Duration.ofSeconds(30), memory);
        target.start();
        kept = new byte[64 * 1024];
        new Random(SEED).nextBytes(kept);
        try (TestInitiator keeper = keeper()) {
            byte[] write10 = {0x2a, 0, 0, 0, 0, 8, 0, 0, (byte) 128, 0}; // LBA 8, 128 blocks: immediate + R2T
            assertThat(keeper.command(0, write10, kept, 0).status()).isZero();
        }
    }

    @AfterEach
    void stop() {
        target.stop();
        logWatch.close();
        Thread.setDefaultUncaughtExceptionHandler(previousHandler);
    }

    private TestInitiator keeper() throws Exception {
        TestInitiator t = new TestInitiator(target.port());
        assertThat(t.login(KEEPER, VAULT_IQN, isid(0x20))).isZero();
        return t;
    }

    private byte[] isid(int type) {
        int n = ++isid;
        return new byte[]{(byte) type, 0, 0, (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    @Test
    void mutatedSessionsNeverHurtTheTargetItsDataOrItsResources() throws Exception {
        Baseline baseline = baseline();
        Random rnd = new Random(SEED);
        long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        int cases = 0;
        while (System.nanoTime() < deadline) {
            long caseSeed = rnd.nextLong();
            runCase(caseSeed);
            cases++;
            try (TestInitiator probe = new TestInitiator(target.port())) {
                assertThat(probe.login("iqn.2026-11.test:probe", FUZZ_IQN, isid(0x40)))
                        .as("a fresh login after case %016x", caseSeed).isZero();
                var inq = probe.command(0, new byte[]{0x12, 0, 0, 0, 36, 0}, null, 36);
                assertThat(inq.status()).as("INQUIRY after case %016x", caseSeed).isZero();
                assertThat(inq.data()).hasSize(36);
            }
            if (cases % CHECK_EVERY == 0) checkpoint(baseline, "after case " + cases + String.format(" (%016x)", caseSeed));
        }
        checkpoint(baseline, "at the end");
        System.out.printf("iSCSI mutation fuzz: seed %d, %d cases in %d s, outcomes %s, baseline %s%n", SEED, cases,
                SECONDS, outcomes, baseline);
        assertThat(cases).isGreaterThan(20);
    }

    // ---- one case: a valid session, some of its PDUs mutated ----

    /** Runs one fuzz session from {@code caseSeed} (reproducible alone with {@link #replay}). */
    private void runCase(long caseSeed) throws Exception {
        Random r = new Random(caseSeed);
        boolean unsolicited = r.nextBoolean();
        int pdus = 2 + r.nextInt(8);
        int victim = r.nextInt(pdus); // which outgoing PDU is mutated (the login's are 0 and 1)
        boolean spray = r.nextInt(8) == 0; // or each PDU with some chance
        int[] sent = {0};
        UnaryOperator<byte[]> mutator = wire -> {
            int n = sent[0]++;
            return n == victim || spray && r.nextInt(4) == 0 ? mutate(wire, r) : wire;
        };
        String outcome;
        try (TestInitiator t = new TestInitiator(target.port())) {
            t.socket.setSoTimeout(250);
            t.mutator(mutator);
            t.observer(p -> checkAnswer(p, caseSeed));
            Map<String, String> op = unsolicited ? Map.of("InitialR2T", "No", "FirstBurstLength", "16384") : Map.of();
            outcome = "login-refused";
            int status = t.login("iqn.2026-11.test:fuzz", FUZZ_IQN, isid(0x80), false, op);
            if (status == 0) {
                outcome = "completed";
                for (int step = 0; step < 3; step++) step(t, r, unsolicited);
                t.socket.setSoTimeout(50);
                outcome = drain(t);
            }
        } catch (Exception e) {
            outcome = e.getClass().getSimpleName();
        }
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private void step(TestInitiator t, Random r, boolean unsolicited) throws Exception {
        int lun = r.nextInt(8) == 0 ? 1 : 0;
        switch (r.nextInt(13)) {
            case 0 -> t.command(lun, new byte[]{0x12, 0, 0, 0, (byte) 255, 0}, null, 255);
            case 1 -> t.command(lun, new byte[]{0x28, 0, 0, 0, 0, 16, 0, 0, 8, 0}, null, 4096);
            case 2 -> t.command(lun, new byte[]{(byte) 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0, 0, 16, 0, 0}, null, 8192);
            case 3 -> t.command(lun, new byte[]{0x2a, 0, 0, 0, 0, 64, 0, 0, 8, 0}, pattern(r, 4096), 0);
            case 4 -> t.command(lun, new byte[]{(byte) 0x8a, 0, 0, 0, 0, 0, 0, 0, 0, 96, 0, 0, 0, 64, 0, 0},
                    pattern(r, 32768), 0); // 8 KiB immediate, the rest on R2T
            case 5 -> {
                if (unsolicited) unsolicitedWrite(t, lun, r);
                else t.ping();
            }
            case 6 -> t.ping();
            case 7 -> {
                if (r.nextBoolean()) abortAWrite(t, lun, r);
                else abortAQueuedCommand(t, lun, r);
            }
            case 8 -> sendTargets(t);
            case 9 -> logout(t);
            default -> {
                for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) anyCommand(t, lun, r);
            }
        }
    }

    /** Opcodes of the disk's command table (SPC and SBC), each with its service actions. */
    private static final int[] OPCODES = {0x00, 0x03, 0x08, 0x0a, 0x12, 0x15, 0x16, 0x17, 0x1a, 0x1b, 0x1e, 0x25,
            0x28, 0x2a, 0x2e, 0x2f, 0x34, 0x35, 0x37, 0x41, 0x42, 0x48, 0x55, 0x56, 0x57, 0x5a, 0x5e, 0x5f, 0x83, 0x84,
            0x88, 0x89, 0x8a, 0x8b, 0x8e, 0x8f, 0x90, 0x91, 0x93, 0x9c, 0x9e, 0xa0, 0xa3, 0xa8, 0xaa, 0xae, 0xaf, 0xb7};
    private static final int[] BYTES = {0, 0, 0, 1, 2, 0x10, 0x12, 0x0c, 0x1f, 0x3f, 0x7f, 0x80, 0xfe, 0xff};

    /**
     * A command of the disk's table with CDB fields, parameter data and expected length drawn from
     * values at the edges: lengths of zero, one and the maximum, LBAs past the end, every bit set.
     */
    private static void anyCommand(TestInitiator t, int lun, Random r) throws Exception {
        byte[] cdb = new byte[16];
        cdb[0] = (byte) OPCODES[r.nextInt(OPCODES.length)];
        for (int i = 1; i < 16; i++) cdb[i] = (byte) (r.nextBoolean() ? 0 : BYTES[r.nextInt(BYTES.length)]);
        byte[] out = null;
        if (r.nextInt(3) == 0) {
            out = new byte[new int[]{1, 8, 16, 24, 32, 512, 4096}[r.nextInt(7)]];
            for (int i = 0; i < out.length; i++) out[i] = (byte) (r.nextBoolean() ? 0 : BYTES[r.nextInt(BYTES.length)]);
        }
        int readLength = out == null || r.nextInt(4) == 0 ? new int[]{0, 1, 4, 8, 36, 255, 512, 4096, 65536}[r.nextInt(9)] : 0;
        t.command(lun, cdb, out, readLength);
    }

    private static byte[] pattern(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    /** WRITE(10) of 16 KiB: 4 KiB immediate, 4 KiB unsolicited Data-Out, 8 KiB on R2T. */
    private static void unsolicitedWrite(TestInitiator t, int lun, Random r) throws Exception {
        int itt = 0x5000 + r.nextInt(1000);
        byte[] data = pattern(r, 16384);
        Pdu cmd = Pdu.of(Opcode.SCSI_COMMAND).flags(0x21).putShort(8, lun).itt(itt).putInt(20, data.length)
                .putInt(24, t.takeCmdSn()).putInt(28, t.expStatSn());
        cmd.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, (byte) 128, 0, 0, 32, 0});
        t.send(cmd.data(Arrays.copyOf(data, 4096)));
        Pdu unsol = Pdu.of(Opcode.DATA_OUT).flags(0x80).putShort(8, lun).itt(itt).putInt(20, Pdu.NO_TAG)
                .putInt(28, t.expStatSn()).putInt(36, 0).putInt(40, 4096);
        t.send(unsol.data(Arrays.copyOfRange(data, 4096, 8192)));
        Pdu r2t = expect(t, Opcode.R2T);
        Pdu d = Pdu.of(Opcode.DATA_OUT).flags(0x80).putShort(8, lun).itt(itt).putInt(20, r2t.getInt(20))
                .putInt(28, t.expStatSn()).putInt(36, 0).putInt(40, r2t.getInt(40));
        t.send(d.data(Arrays.copyOfRange(data, r2t.getInt(40), r2t.getInt(40) + r2t.getInt(44))));
        expect(t, Opcode.SCSI_RESPONSE);
    }

    /** A WRITE whose data is withheld, then ABORT TASK (or a LUN reset) for it. */
    private static void abortAWrite(TestInitiator t, int lun, Random r) throws Exception {
        int itt = 0x6000 + r.nextInt(1000);
        Pdu cmd = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).putShort(8, lun).itt(itt).putInt(20, 8192)
                .putInt(24, t.takeCmdSn()).putInt(28, t.expStatSn());
        t.send(cmd.putBytes(32, new byte[]{0x2a, 0, 0, 0, 0, (byte) 200, 0, 0, 16, 0}));
        expect(t, Opcode.R2T);
        int function = r.nextBoolean() ? 1 : 5;
        Pdu tmf = Pdu.of(Opcode.TASK_MGMT_REQUEST).flags(0x80 | function).putShort(8, lun).itt(itt + 1)
                .putInt(20, itt).putInt(24, t.nextCmdSn()).putInt(28, t.expStatSn()).putInt(32, t.nextCmdSn() - 1);
        tmf.bhs()[0] |= 0x40;
        t.send(tmf);
        expect(t, Opcode.TASK_MGMT_RESPONSE);
    }

    /** A WRITE queued behind a CmdSN hole, ABORT TASK for it, then the hole filled by a READ. */
    private static void abortAQueuedCommand(TestInitiator t, int lun, Random r) throws Exception {
        int itt = 0x6800 + r.nextInt(1000);
        int sn = t.nextCmdSn();
        Pdu queued = Pdu.of(Opcode.SCSI_COMMAND).flags(0xa1).putShort(8, lun).itt(itt).putInt(20, 4096)
                .putInt(24, sn + 1).putInt(28, t.expStatSn());
        t.send(queued.putBytes(32, new byte[]{0x2a, 0, 0, 0, 1, 0, 0, 0, 8, 0}).data(pattern(r, 4096)));
        Pdu tmf = Pdu.of(Opcode.TASK_MGMT_REQUEST).flags(0x80 | 1).putShort(8, lun).itt(itt + 1)
                .putInt(20, itt).putInt(24, sn).putInt(28, t.expStatSn()).putInt(32, sn + 1);
        tmf.bhs()[0] |= 0x40;
        t.send(tmf);
        expect(t, Opcode.TASK_MGMT_RESPONSE);
        if (r.nextBoolean()) return; // the connection may end with the aborted command still queued
        t.command(lun, new byte[]{0x28, 0, 0, 0, 0, 16, 0, 0, 8, 0}, null, 4096); // CmdSN n
        t.takeCmdSn(); // n + 1 went to the aborted command
    }

    private static void sendTargets(TestInitiator t) throws Exception {
        Pdu text = Pdu.of(Opcode.TEXT_REQUEST).flags(0x80).itt(0x7000).putInt(20, Pdu.NO_TAG)
                .putInt(24, t.takeCmdSn()).putInt(28, t.expStatSn());
        t.send(text.data(TextParams.encode(Map.of("SendTargets", "All"))));
        expect(t, Opcode.TEXT_RESPONSE);
    }

    private static void logout(TestInitiator t) throws Exception {
        Pdu p = Pdu.of(Opcode.LOGOUT_REQUEST).flags(0x80).itt(0x7100).putInt(24, t.takeCmdSn())
                .putInt(28, t.expStatSn());
        p.bhs()[0] |= 0x40;
        t.send(p);
        expect(t, Opcode.LOGOUT_RESPONSE);
    }

    private static Pdu expect(TestInitiator t, int opcode) throws Exception {
        Pdu p = t.read();
        if (p == null) throw new java.io.EOFException("closed");
        if (p.opcode() != opcode) throw new UnexpectedPdu(p);
        return p;
    }

    /** The target answered something else than the valid exchange expects (a Reject, a status...). */
    private static final class UnexpectedPdu extends Exception {
        UnexpectedPdu(Pdu p) {
            super(p.toString(), null, false, false);
        }
    }

    /** Reads what the target still sends until it closes the connection or goes quiet. */
    private static String drain(TestInitiator t) {
        try {
            for (int i = 0; i < 32; i++) if (t.read() == null) return "closed";
            return "chatty";
        } catch (java.net.SocketTimeoutException e) {
            return "quiet";
        } catch (Exception e) {
            return "closed";
        }
    }

    /**
     * What the target sends, however bad the request, is a well-formed answer: a target opcode, a Reject
     * carrying the rejected header with a reason RFC 7143 11.17.1 defines, sense data with a CHECK
     * CONDITION, a login failure with a status class and detail.
     */
    private void checkAnswer(Pdu p, long caseSeed) {
        String bad = switch (p.opcode()) {
            case Opcode.REJECT -> p.data().length == Pdu.BHS_LENGTH && Set.of(Reject.DATA_DIGEST_ERROR,
                    Reject.SNACK_REJECT, Reject.PROTOCOL_ERROR, Reject.COMMAND_NOT_SUPPORTED, Reject.INVALID_PDU_FIELD)
                    .contains(p.getByte(2)) ? null : "Reject without the header or with an unknown reason";
            case Opcode.SCSI_RESPONSE -> p.getByte(3) != 0x02 || senseOk(p.data()) ? null
                    : "CHECK CONDITION without well-formed sense data";
            case Opcode.LOGIN_RESPONSE -> p.getShort(36) == 0 || p.getByte(36) >= 1 && p.getByte(36) <= 3 ? null
                    : "login status of unknown class";
            case Opcode.NOP_IN, Opcode.TASK_MGMT_RESPONSE, Opcode.TEXT_RESPONSE, Opcode.DATA_IN, Opcode.LOGOUT_RESPONSE,
                 Opcode.R2T, Opcode.ASYNC_MESSAGE -> null;
            default -> "not a target opcode";
        };
        if (bad != null) problems.add(String.format("case %016x: %s: %s", caseSeed, bad, p));
    }

    private static boolean senseOk(byte[] seg) {
        if (seg.length < 2 + 8) return false;
        int len = ((seg[0] & 0xff) << 8) | (seg[1] & 0xff);
        int code = seg[2] & 0x7f;
        return len == seg.length - 2 && (code == 0x70 || code == 0x71 || code == 0x72 || code == 0x73);
    }

    // ---- mutations ----

    private static final int[] INTERESTING = {0, 1, -1, 2, 3, 4, 7, 8, 16, 47, 48, 49, 255, 256, 511, 512, 513, 4095,
            4096, 8191, 8192, 65535, 65536, 262143, 262144, 262145, 0x7fff, 0x8000, 0xffff, 0xffffff, 0x1000000,
            0x7fffffff, 0x80000000, 0xfffffffe};
    /** Header fields by offset: TTT/EDTL, CmdSN/StatSN, ExpStatSN, ExpDataSN/MaxCmdSN, DataSN, offset, length. */
    private static final int[] FIELDS = {16, 20, 24, 28, 32, 36, 40, 44};
    private static final String[] TEXT = {"", "=", "==", "x", "InitiatorName=", "TargetName=",
            "MaxRecvDataSegmentLength=0", "MaxRecvDataSegmentLength=-1", "MaxRecvDataSegmentLength=99999999999999999999",
            "MaxRecvDataSegmentLength=511", "MaxBurstLength=0", "FirstBurstLength=4294967296", "FirstBurstLength=1",
            "MaxBurstLength=16777216", "HeaderDigest=CRC32C,None", "HeaderDigest=", "DataDigest=MD5",
            "MaxConnections=0", "MaxConnections=65536", "ErrorRecoveryLevel=2", "ErrorRecoveryLevel=x",
            "InitialR2T=Maybe", "ImmediateData=", "MaxOutstandingR2T=0", "MaxOutstandingR2T=70000",
            "DefaultTime2Wait=-5", "DefaultTime2Retain=99999", "DataPDUInOrder=No", "DataSequenceInOrder=No",
            "SessionType=Discovery", "SessionType=Other", "AuthMethod=CHAP", "AuthMethod=", "CHAP_A=5",
            "CHAP_N=x", "CHAP_R=0x", "X-vendor=1", "SendTargets=", "SendTargets=iqn.none", "TargetAlias=x",
            "MaxRecvDataSegmentLength=262144", "OFMarker=Yes", "IFMarkInt=1~65535", "TaskReporting=FastAbort"};

    private static byte[] mutate(byte[] wire, Random r) {
        if (wire.length < Pdu.BHS_LENGTH) return wire;
        int ahs = (wire[4] & 0xff) * 4;
        byte[] bhs = Arrays.copyOf(wire, Pdu.BHS_LENGTH);
        byte[] data = Arrays.copyOfRange(wire, Math.min(wire.length, Pdu.BHS_LENGTH + ahs), wire.length);
        int dsl = ((wire[5] & 0xff) << 16) | ((wire[6] & 0xff) << 8) | (wire[7] & 0xff);
        data = Arrays.copyOf(data, Math.min(dsl, data.length)); // without its padding
        Pdu p = new Pdu(bhs, Arrays.copyOfRange(wire, Pdu.BHS_LENGTH, Math.min(wire.length, Pdu.BHS_LENGTH + ahs)), data);
        switch (r.nextInt(12)) {
            case 0 -> { // byte flips anywhere
                byte[] w = wire.clone();
                for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) w[r.nextInt(w.length)] ^= (byte) (1 + r.nextInt(255));
                return w;
            }
            case 1 -> p.bhs()[0] = (byte) ((p.bhs()[0] & 0x40) | (r.nextBoolean() ? r.nextInt(64) : pickOpcode(r)));
            case 2 -> p.bhs()[0] ^= 0x40; // immediate bit
            case 3 -> p.bhs()[1] = (byte) r.nextInt(256);
            case 4 -> { // a lying data segment or AHS length
                byte[] w = wire.clone();
                if (r.nextBoolean()) {
                    int v = INTERESTING[r.nextInt(INTERESTING.length)] & 0xffffff;
                    w[5] = (byte) (v >>> 16);
                    w[6] = (byte) (v >>> 8);
                    w[7] = (byte) v;
                } else {
                    w[4] = (byte) r.nextInt(256);
                }
                return w;
            }
            case 5 -> {
                int off = FIELDS[r.nextInt(FIELDS.length)];
                p.putInt(off, interesting(r, p.getInt(off)));
            }
            case 6 -> p.putLong(8, r.nextBoolean() ? r.nextLong() : (long) r.nextInt(300) << 48); // LUN / ISID+TSIH
            case 7 -> { // CDB bytes: opcode, LBA, transfer and allocation lengths, control
                int off = 32 + r.nextInt(16);
                p.bhs()[off] = (byte) (r.nextBoolean() ? r.nextInt(256) : interesting(r, 0));
                if (r.nextBoolean()) p.putShort(32 + 7, interesting(r, 0) & 0xffff);
            }
            case 8 -> { // an extended CDB or other AHS, well or badly framed
                int len = r.nextInt(40);
                byte[] a = new byte[(3 + len + 3) & ~3];
                r.nextBytes(a);
                a[0] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : 0);
                a[1] = (byte) (r.nextBoolean() ? len : r.nextInt(256));
                a[2] = (byte) (r.nextBoolean() ? 1 : r.nextInt(4));
                byte[] w = encode(p, data);
                byte[] out = new byte[w.length + a.length];
                System.arraycopy(w, 0, out, 0, Pdu.BHS_LENGTH);
                System.arraycopy(a, 0, out, Pdu.BHS_LENGTH, a.length);
                System.arraycopy(w, Pdu.BHS_LENGTH + ahs, out, Pdu.BHS_LENGTH + a.length, w.length - Pdu.BHS_LENGTH - ahs);
                out[4] = (byte) (a.length / 4);
                return Arrays.copyOf(out, out.length - ahs);
            }
            case 9 -> { // truncation, possibly followed by garbage
                byte[] w = Arrays.copyOf(wire, r.nextInt(wire.length));
                if (r.nextBoolean()) return w;
                byte[] g = new byte[r.nextInt(64)];
                r.nextBytes(g);
                byte[] out = Arrays.copyOf(w, w.length + g.length);
                System.arraycopy(g, 0, out, w.length, g.length);
                return out;
            }
            case 10 -> data = text(data, r);
            default -> { // several header fields at once
                for (int i = 0, n = 2 + r.nextInt(4); i < n; i++) {
                    int off = FIELDS[r.nextInt(FIELDS.length)];
                    p.putInt(off, interesting(r, p.getInt(off)));
                }
            }
        }
        return encode(p, data);
    }

    private static byte[] encode(Pdu p, byte[] data) {
        return dev.cistern.iscsi.pdu.PduWriter.encode(p.data(data), false, false);
    }

    private static int pickOpcode(Random r) {
        int[] ops = {Opcode.NOP_OUT, Opcode.SCSI_COMMAND, Opcode.TASK_MGMT_REQUEST, Opcode.LOGIN_REQUEST,
                Opcode.TEXT_REQUEST, Opcode.DATA_OUT, Opcode.LOGOUT_REQUEST, Opcode.SNACK_REQUEST};
        return ops[r.nextInt(ops.length)];
    }

    private static int interesting(Random r, int current) {
        return switch (r.nextInt(4)) {
            case 0 -> current + r.nextInt(5) - 2;
            case 1 -> r.nextInt();
            default -> INTERESTING[r.nextInt(INTERESTING.length)];
        };
    }

    /** Key=value text of a login or Text PDU garbled: pairs added, replaced, NULs dropped, bytes invalid. */
    private static byte[] text(byte[] data, Random r) {
        List<String> pairs = new ArrayList<>(Arrays.asList(new String(data, StandardCharsets.ISO_8859_1).split("\0")));
        switch (r.nextInt(6)) {
            case 0 -> pairs.add(r.nextInt(pairs.size() + 1), TEXT[r.nextInt(TEXT.length)]);
            case 1 -> {
                if (!pairs.isEmpty()) pairs.set(r.nextInt(pairs.size()), TEXT[r.nextInt(TEXT.length)]);
            }
            case 2 -> {
                if (!pairs.isEmpty()) pairs.add(pairs.get(r.nextInt(pairs.size()))); // a key twice
            }
            case 3 -> pairs.add("K" + "v".repeat(r.nextInt(70_000)) + "=" + "x".repeat(r.nextInt(10_000)));
            case 4 -> {
                byte[] b = data.clone();
                for (int i = 0; i < b.length; i++) if (b[i] == 0 && r.nextBoolean()) b[i] = (byte) (0x80 + r.nextInt(128));
                return b;
            }
            default -> {
                return Arrays.copyOf(data, data.length == 0 ? 0 : r.nextInt(data.length));
            }
        }
        return (String.join("\0", pairs) + "\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- checkpoints ----

    private record Baseline(long iscsiThreads, int platformThreads) {
    }

    private Baseline baseline() throws Exception {
        Thread.sleep(200);
        return new Baseline(iscsiThreads(), ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private void checkpoint(Baseline baseline, String when) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline && !settled(baseline)) Thread.sleep(50);
        assertThat(logWatch.records()).as("warnings or failures the target logged, %s", when).isEmpty();
        assertThat(problems).as("malformed answers or uncaught errors, %s", when).isEmpty();
        assertThat(target.sessions()).as("sessions left %s", when).isEmpty();
        assertThat(memory.writes.used()).as("write budget held %s", when).isZero();
        assertThat(memory.reads.used()).as("read budget held %s", when).isZero();
        assertThat(iscsiThreads()).as("iSCSI threads %s", when).isLessThanOrEqualTo(baseline.iscsiThreads());
        assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).as("platform threads %s", when)
                .isLessThanOrEqualTo(baseline.platformThreads() + 4);
        assertThat(target.healthy()).isTrue();
        try (TestInitiator keeper = keeper()) {
            byte[] read10 = {0x28, 0, 0, 0, 0, 8, 0, 0, (byte) 128, 0};
            var back = keeper.command(0, read10, null, kept.length);
            assertThat(back.status()).isZero();
            assertThat(back.data()).as("the kept data %s", when).isEqualTo(kept);
        }
        Thread.sleep(100); // the keeper's connection ends
    }

    private boolean settled(Baseline baseline) throws Exception {
        return target.sessions().isEmpty() && memory.writes.used() == 0 && memory.reads.used() == 0
                && iscsiThreads() <= baseline.iscsiThreads();
    }

    /** Threads named iscsi-* (connections, their I/O and keepalive threads), virtual ones included. */
    private static long iscsiThreads() {
        return Threads.named("iscsi-");
    }
}
