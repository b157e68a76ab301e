package dev.cistern.engine.store;

import java.nio.ByteBuffer;

/** Where a chunk record lives: container, record offset, payload and raw sizes. */
public record ChunkLocation(long containerId, int offset, int payloadLength, int rawLength) {
    public static final int ENCODED = 20;

    public int recordLength() {
        return ChunkRecord.HEADER + payloadLength;
    }

    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED).putLong(containerId).putInt(offset).putInt(payloadLength)
                .putInt(rawLength).array();
    }

    public static ChunkLocation decode(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new ChunkLocation(bb.getLong(), bb.getInt(), bb.getInt(), bb.getInt());
    }
}
