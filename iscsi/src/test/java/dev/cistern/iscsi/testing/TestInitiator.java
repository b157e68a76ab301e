package dev.cistern.iscsi.testing;

import dev.cistern.iscsi.login.TextParams;
import dev.cistern.iscsi.pdu.DigestSettings;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.pdu.PduReader;
import dev.cistern.iscsi.pdu.PduWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal raw iSCSI initiator for tests that need exact control over PDUs (fuzzing, reservations):
 * login without authentication, SCSI commands with immediate data (and R2T answers), NOP-Out.
 */
public final class TestInitiator implements AutoCloseable {
    public final Socket socket;
    private final DigestSettings digests = new DigestSettings();
    private final PduReader reader;
    private final PduWriter writer;
    private final OutputStream raw;
    private int cmdSn = 1;
    private int expStatSn;
    private int itt = 1;
    private java.util.function.UnaryOperator<byte[]> mutator;
    private java.util.function.Consumer<Pdu> observer = p -> {
    };

    public TestInitiator(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        digests.maxRecvDataSegment(16 * 1024 * 1024);
        reader = new PduReader(socket.getInputStream(), digests);
        raw = socket.getOutputStream();
        writer = new PduWriter(raw, digests);
    }

    /**
     * Logs in to {@code target} (a discovery session when null) straight to full feature phase; returns
     * the final login status.
     */
    public int login(String initiatorName, String target, byte[] isid) throws Exception {
        return login(initiatorName, target, isid, false);
    }

    /** As {@link #login(String, String, byte[])}, optionally with CRC32C header and data digests. */
    public int login(String initiatorName, String target, byte[] isid, boolean crc) throws Exception {
        return login(initiatorName, target, isid, crc, Map.of());
    }

    /**
     * As {@link #login(String, String, byte[], boolean)}, with {@code operational} replacing or adding
     * operational keys (ImmediateData, InitialR2T, FirstBurstLength...).
     */
    public int login(String initiatorName, String target, byte[] isid, boolean crc, Map<String, String> operational)
            throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("InitiatorName", initiatorName);
        if (target == null) {
            keys.put("SessionType", "Discovery");
        } else {
            keys.put("SessionType", "Normal");
            keys.put("TargetName", target);
        }
        keys.put("AuthMethod", "None");
        Pdu sec = loginPdu(0x80 | (0 << 2) | 1, isid, keys);
        Pdu r = exchange(sec);
        int status = r.getShort(36);
        if (status != 0) return status;
        keys = new LinkedHashMap<>();
        keys.put("HeaderDigest", crc ? "CRC32C" : "None");
        keys.put("DataDigest", crc ? "CRC32C" : "None");
        keys.put("MaxRecvDataSegmentLength", "262144");
        keys.put("InitialR2T", "Yes");
        keys.put("ImmediateData", "Yes");
        keys.putAll(operational);
        Pdu op = loginPdu(0x80 | (1 << 2) | 3, isid, keys);
        r = exchange(op);
        if (r.getShort(36) == 0 && crc) digests.set(true, true);
        return r.getShort(36);
    }

    private Pdu loginPdu(int flags, byte[] isid, Map<String, String> keys) {
        Pdu p = Pdu.of(Opcode.LOGIN_REQUEST).flags(flags);
        p.bhs()[0] |= 0x40;
        p.putBytes(8, isid).itt(itt++).putInt(24, cmdSn).putInt(28, expStatSn);
        p.data(TextParams.encode(keys));
        return p;
    }

    private Pdu exchange(Pdu p) throws Exception {
        write(p);
        Pdu r = receive();
        if (r == null) throw new IOException("connection closed by target");
        expStatSn = r.getInt(24) + 1;
        return r;
    }

    /** Result of a SCSI command: status, the Data-In gathered, the sense bytes (without length prefix). */
    public record Result(int status, byte[] data, byte[] sense, int flags, int residual) {
        public int senseKey() {
            return sense.length > 2 ? sense[2] & 0x0f : -1;
        }

        public int asc() {
            return sense.length > 12 ? sense[12] & 0xff : -1;
        }
    }

    public Result command(int lun, byte[] cdb, byte[] dataOut, int readLength) throws Exception {
        int edtl = dataOut != null ? dataOut.length : readLength;
        Pdu p = Pdu.of(Opcode.SCSI_COMMAND);
        int flags = 0x80 | 0x01 | (dataOut != null ? 0x20 : 0) | (readLength > 0 ? 0x40 : 0);
        p.flags(flags).putShort(8, lun).itt(itt++).putInt(20, edtl).putInt(24, cmdSn++).putInt(28, expStatSn);
        byte[] c = new byte[16];
        System.arraycopy(cdb, 0, c, 0, cdb.length);
        p.putBytes(32, c);
        if (dataOut != null) p.data(java.util.Arrays.copyOf(dataOut, Math.min(dataOut.length, 8192)));
        write(p);
        ByteArrayOutputStream in = new ByteArrayOutputStream();
        while (true) {
            Pdu r = receive();
            if (r == null) throw new IOException("connection closed by target");
            switch (r.opcode()) {
                case Opcode.DATA_IN -> {
                    in.writeBytes(r.data());
                    if ((r.flags() & 0x01) != 0) {
                        expStatSn = r.getInt(24) + 1;
                        return new Result(r.getByte(3), in.toByteArray(), new byte[0], r.flags(), r.getInt(44));
                    }
                }
                case Opcode.R2T -> {
                    int off = r.getInt(40);
                    int len = r.getInt(44);
                    Pdu d = Pdu.of(Opcode.DATA_OUT).flags(0x80).lun(r.lun()).itt(r.itt()).putInt(20, r.getInt(20));
                    d.putInt(28, expStatSn).putInt(36, 0).putInt(40, off);
                    d.data(java.util.Arrays.copyOfRange(dataOut, off, off + len));
                    write(d);
                }
                case Opcode.SCSI_RESPONSE -> {
                    expStatSn = r.getInt(24) + 1;
                    byte[] seg = r.data();
                    byte[] sense = seg.length >= 2 ? java.util.Arrays.copyOfRange(seg, 2, seg.length) : new byte[0];
                    return new Result(r.getByte(3), in.toByteArray(), sense, r.flags(), r.getInt(44));
                }
                default -> throw new IOException("unexpected PDU " + r);
            }
        }
    }

    /** Sends a NOP-Out ping and waits for the NOP-In; false when the target closed the connection. */
    public boolean ping() throws Exception {
        Pdu p = Pdu.of(Opcode.NOP_OUT).flags(0x80).itt(itt++).putInt(20, Pdu.NO_TAG).putInt(24, cmdSn)
                .putInt(28, expStatSn);
        p.bhs()[0] |= 0x40;
        write(p);
        while (true) {
            Pdu r = receive();
            if (r == null) return false;
            if (r.opcode() == Opcode.NOP_IN && r.itt() == p.itt()) return true;
        }
    }

    public void sendRaw(byte[] bytes) throws IOException {
        raw.write(bytes);
        raw.flush();
    }

    public void send(Pdu p) throws IOException {
        write(p);
    }

    /**
     * From now on every PDU this initiator sends (login, commands, Data-Out, pings) goes out as the bytes
     * {@code m} makes of its encoding, for mutation fuzzing; null sends PDUs as they are.
     */
    public void mutator(java.util.function.UnaryOperator<byte[]> m) {
        mutator = m;
    }

    /** Every PDU received from now on is shown to {@code o} first (to check what the target answers). */
    public void observer(java.util.function.Consumer<Pdu> o) {
        observer = o;
    }

    private Pdu receive() throws Exception {
        Pdu p = reader.read();
        if (p != null) observer.accept(p);
        return p;
    }

    private void write(Pdu p) throws IOException {
        if (mutator == null) writer.write(p);
        else sendRaw(mutator.apply(PduWriter.encode(p, digests.header(), digests.data())));
    }

    /** The next PDU, or null once the target closed the connection. */
    public Pdu read() throws Exception {
        return receive();
    }

    public int nextCmdSn() {
        return cmdSn;
    }

    /** Uses up the next CmdSN, for a PDU the test builds itself. */
    public int takeCmdSn() {
        return cmdSn++;
    }

    public int expStatSn() {
        return expStatSn;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
