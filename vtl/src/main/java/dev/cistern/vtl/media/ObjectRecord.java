package dev.cistern.vtl.media;

import java.nio.ByteBuffer;

/**
 * One logical object on a tape (SSC-3 3.1.40): a block of {@code length} bytes stored at {@code offset}
 * of the cartridge's data stream, or a filemark (length 0).
 */
public record ObjectRecord(long offset, int length, boolean filemark) {

    public long end() {
        return offset + length;
    }

    byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(TapeFormat.OBJECT_BYTES);
        b.putLong(offset).putInt(length).put((byte) (filemark ? 1 : 0));
        return b.array();
    }

    static ObjectRecord decode(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        long off = bb.getLong();
        int len = bb.getInt();
        return new ObjectRecord(off, len, bb.get() == 1);
    }
}
