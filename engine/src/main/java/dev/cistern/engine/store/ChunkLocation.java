package dev.cistern.engine.store;

import java.nio.ByteBuffer;

/**
 * Where a chunk lives: the record holding it (container, offset, payload length), its raw length, where
 * its bytes start in the record's raw data (0 unless the record is a frame of several chunks), and how
 * many of the record's stored bytes are accounted to it (the whole record, or its share of a frame).
 */
public record ChunkLocation(long containerId, int offset, int payloadLength, int rawLength, int rawOffset,
                            int storedLength) {
    public static final int ENCODED = 28;

    /** A chunk alone in its record. */
    public ChunkLocation(long containerId, int offset, int payloadLength, int rawLength) {
        this(containerId, offset, payloadLength, rawLength, 0, ChunkRecord.HEADER + payloadLength);
    }

    /** Length of the whole record holding the chunk. */
    public int recordLength() {
        return ChunkRecord.HEADER + payloadLength;
    }

    /** Whether both chunks are in the same record (one frame holds several). */
    public boolean sameRecord(ChunkLocation other) {
        return containerId == other.containerId && offset == other.offset;
    }

    /** The same chunk in the same kind of record, moved to another place (the cleaner copies records whole). */
    public ChunkLocation movedTo(long newContainerId, int newOffset) {
        return new ChunkLocation(newContainerId, newOffset, payloadLength, rawLength, rawOffset, storedLength);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(ENCODED).putLong(containerId).putInt(offset).putInt(payloadLength)
                .putInt(rawLength).putInt(rawOffset).putInt(storedLength).array();
    }

    public static ChunkLocation decode(byte[] b) {
        ByteBuffer bb = ByteBuffer.wrap(b);
        return new ChunkLocation(bb.getLong(), bb.getInt(), bb.getInt(), bb.getInt(), bb.getInt(), bb.getInt());
    }
}
