package dev.cistern.iscsi.scsi.spc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * INQUIRY (SPC-4 6.6): standard data and the vital product data pages shared by all device types
 * (0x00 supported pages, 0x80 serial number, 0x83 device identification). Device types add their own
 * pages (SBC: 0xB0-0xB2) through the constructor.
 */
public final class Inquiry {
    public static final String VENDOR = "CISTERN";
    public static final String PRODUCT = "VIRTUAL-DISK";
    public static final String REVISION = "0001";

    private final int deviceType;
    private final Map<Integer, Function<LogicalUnit, byte[]>> pages = new TreeMap<>();

    public Inquiry(int deviceType, Map<Integer, Function<LogicalUnit, byte[]>> devicePages) {
        this.deviceType = deviceType;
        pages.put(0x00, this::supportedPages);
        pages.put(0x80, Inquiry::serialNumber);
        pages.putAll(devicePages);
    }

    public ScsiResponse handle(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean evpd = (cdb[1] & 0x01) != 0;
        if ((cdb[1] & 0xfe) != 0) throw CheckCondition.invalidFieldInCdb(); // CMDDT and reserved bits
        int page = Bytes.u8(cdb, 2);
        int alloc = Bytes.u16(cdb, 3);
        if (!evpd) {
            if (page != 0) throw CheckCondition.invalidFieldInCdb();
            return ScsiResponse.data(standard(), alloc);
        }
        if (page == 0x83) return ScsiResponse.data(deviceIdentification(lu, r), alloc);
        Function<LogicalUnit, byte[]> f = pages.get(page);
        if (f == null) throw CheckCondition.invalidFieldInCdb();
        return ScsiResponse.data(f.apply(lu), alloc);
    }

    private byte[] standard() {
        byte[] b = new byte[96];
        b[0] = (byte) deviceType;
        b[2] = 0x06; // SPC-4
        b[3] = 0x12; // HISUP, response data format 2
        b[5] = 0x08; // 3PC: EXTENDED COPY within the unit
        b[4] = (byte) (b.length - 5);
        b[7] = 0x02; // CMDQUE
        Bytes.putAscii(b, 8, 8, VENDOR);
        Bytes.putAscii(b, 16, 16, PRODUCT);
        Bytes.putAscii(b, 32, 4, REVISION);
        // version descriptors: SAM-5, iSCSI, SPC-4, SBC-3
        int[] versions = {0x00a0, 0x0960, 0x0460, 0x04c0};
        for (int i = 0; i < versions.length; i++) Bytes.putShort(b, 58 + 2 * i, versions[i]);
        return b;
    }

    private byte[] supportedPages(LogicalUnit lu) {
        byte[] b = new byte[4 + pages.size() + 1];
        b[0] = (byte) deviceType;
        b[3] = (byte) (pages.size() + 1);
        int i = 4;
        for (int p : new java.util.TreeSet<>(java.util.stream.Stream.concat(pages.keySet().stream(),
                java.util.stream.Stream.of(0x83)).toList())) {
            b[i++] = (byte) p;
        }
        return b;
    }

    private static byte[] serialNumber(LogicalUnit lu) {
        byte[] s = lu.serial().getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[4 + s.length];
        b[1] = (byte) 0x80;
        b[3] = (byte) s.length;
        System.arraycopy(s, 0, b, 4, s.length);
        return b;
    }

    /** Page 0x83: NAA and T10 vendor ids of the unit, then the target port's relative id and iSCSI name. */
    private byte[] deviceIdentification(LogicalUnit lu, ScsiRequest r) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        designator(out, 0x01, 0x03, naa(lu));
        designator(out, 0x02, 0x01, (VENDOR + " " + lu.serial()).getBytes(StandardCharsets.US_ASCII));
        byte[] rel = {0, 0, 0, 1};
        designator(out, 0x51, 0x94, rel); // iSCSI, binary; PIV, target port, relative target port id
        String name = r.nexus().targetName() + ",t,0x0001";
        int len = (name.length() + 1 + 3) & ~3;
        byte[] nb = new byte[len];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(nameBytes, 0, nb, 0, Math.min(nameBytes.length, len - 1));
        designator(out, 0x53, 0x98, nb); // iSCSI, UTF-8; PIV, target port, SCSI name string
        byte[] body = out.toByteArray();
        byte[] b = new byte[4 + body.length];
        b[0] = (byte) deviceType;
        b[1] = (byte) 0x83;
        Bytes.putShort(b, 2, body.length);
        System.arraycopy(body, 0, b, 4, body.length);
        return b;
    }

    /** NAA IEEE Registered Extended (type 6) id: 16 bytes derived from the serial, stable across restarts. */
    public static byte[] naa(LogicalUnit lu) {
        return naa(lu.serial());
    }

    /** NAA IEEE Registered Extended (type 6) id: 16 bytes derived from {@code seed}. */
    public static byte[] naa(String seed) {
        byte[] naa = new byte[16];
        System.arraycopy(sha256(seed), 0, naa, 0, 16);
        naa[0] = (byte) (0x60 | (naa[0] & 0x0f));
        return naa;
    }

    /** Appends one designation descriptor of a device identification page (SPC-4 7.8.6.1). */
    public static void designator(java.io.ByteArrayOutputStream out, int codeSet, int typeByte, byte[] value) {
        out.write(codeSet);
        out.write(typeByte);
        out.write(0);
        out.write(value.length);
        out.writeBytes(value);
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
