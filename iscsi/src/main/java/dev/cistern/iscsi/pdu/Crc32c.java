package dev.cistern.iscsi.pdu;

import java.util.zip.CRC32C;

/** The iSCSI digest: CRC32C over the bytes, sent least significant byte first as initiators expect. */
public final class Crc32c {
    private Crc32c() {
    }

    public static int of(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }

    static int of(byte[] a1, byte[] a2) {
        CRC32C c = new CRC32C();
        c.update(a1);
        c.update(a2);
        return (int) c.getValue();
    }

    static void putLe(byte[] dst, int off, int v) {
        dst[off] = (byte) v;
        dst[off + 1] = (byte) (v >>> 8);
        dst[off + 2] = (byte) (v >>> 16);
        dst[off + 3] = (byte) (v >>> 24);
    }

    static int getLe(byte[] src, int off) {
        return (src[off] & 0xff) | (src[off + 1] & 0xff) << 8 | (src[off + 2] & 0xff) << 16 | (src[off + 3] & 0xff) << 24;
    }
}
