package dev.cistern.engine.meta;

import dev.cistern.engine.EntryInfo;
import java.time.Instant;
import java.util.Map;

/**
 * An entry as persisted under (container id, name). {@code entryId} keys its recipe or block map, so
 * a rename or an atomic replace only rewrites this small record.
 */
public record EntryRecord(long entryId, EntryInfo.Kind kind, long size, int blockSize, boolean readOnly,
                          long modifiedMillis, Map<String, String> attributes) {
    private static final int VERSION = 1;

    public byte[] encode() {
        return RecordCodec.encode(out -> {
            out.writeByte(VERSION);
            out.writeLong(entryId);
            out.writeByte(kind.ordinal());
            out.writeLong(size);
            out.writeInt(blockSize);
            out.writeBoolean(readOnly);
            out.writeLong(modifiedMillis);
            RecordCodec.writeMap(out, attributes);
        });
    }

    public static EntryRecord decode(byte[] b) {
        return RecordCodec.decode(b, in -> {
            in.readByte();
            return new EntryRecord(in.readLong(), EntryInfo.Kind.values()[in.readByte()], in.readLong(), in.readInt(),
                    in.readBoolean(), in.readLong(), Map.copyOf(RecordCodec.readMap(in)));
        });
    }

    public EntryInfo info(String name) {
        return new EntryInfo(name, kind, size, blockSize, Instant.ofEpochMilli(modifiedMillis), attributes);
    }

    public EntryRecord withSize(long newSize, long now) {
        return new EntryRecord(entryId, kind, newSize, blockSize, readOnly, now, attributes);
    }

    public EntryRecord withAttributes(Map<String, String> a, long now) {
        return new EntryRecord(entryId, kind, size, blockSize, readOnly, now, Map.copyOf(a));
    }
}
