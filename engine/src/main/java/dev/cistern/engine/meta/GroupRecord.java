package dev.cistern.engine.meta;

import dev.cistern.engine.ChunkingSpec;
import dev.cistern.engine.Compression;

/**
 * A storage group as persisted. {@code wrappedKey} is null for unencrypted groups. {@code ids} says how its
 * chunk ids are made; it was added last, so a record without it (written before keyed ids) is
 * {@link ChunkIdScheme#SHA256}, and a version that predates it reads the record and ignores the byte.
 */
public record GroupRecord(long id, String name, Compression compression, long quotaBytes, ChunkingSpec chunking,
                          byte[] wrappedKey, long createdMillis, ChunkIdScheme ids) {
    private static final int VERSION = 1;

    /** How a group's chunk ids and boundaries are made; the ordinal is stored, so only ever append. */
    public enum ChunkIdScheme {
        /** SHA-256 of the chunk, the public gear table: unencrypted groups, and encrypted ones created before keyed ids. */
        SHA256,
        /** HMAC-SHA256 of the chunk's SHA-256 under the group's id key, a gear table from its chunker key. */
        KEYED
    }

    public byte[] encode() {
        return RecordCodec.encode(out -> {
            out.writeByte(VERSION);
            out.writeLong(id);
            out.writeUTF(name);
            out.writeByte(compression.ordinal());
            out.writeLong(quotaBytes);
            out.writeInt(chunking.minSize());
            out.writeInt(chunking.avgSize());
            out.writeInt(chunking.maxSize());
            out.writeInt(wrappedKey == null ? -1 : wrappedKey.length);
            if (wrappedKey != null) out.write(wrappedKey);
            out.writeLong(createdMillis);
            out.writeByte(ids.ordinal());
        });
    }

    public static GroupRecord decode(byte[] b) {
        return RecordCodec.decode(b, in -> {
            in.readByte();
            long id = in.readLong();
            String name = in.readUTF();
            Compression c = Compression.values()[in.readByte()];
            long quota = in.readLong();
            ChunkingSpec cs = new ChunkingSpec(in.readInt(), in.readInt(), in.readInt());
            int kl = in.readInt();
            byte[] key = null;
            if (kl >= 0) {
                key = new byte[kl];
                in.readFully(key);
            }
            long created = in.readLong();
            ChunkIdScheme ids = ChunkIdScheme.SHA256;
            if (in.available() > 0) {
                int s = in.readByte();
                if (s < 0 || s >= ChunkIdScheme.values().length) {
                    // a scheme from a later version: reading it as another would store under wrong ids
                    throw new java.io.IOException("storage group '" + name + "' uses chunk id scheme " + s
                            + ", unknown to this version of Cistern");
                }
                ids = ChunkIdScheme.values()[s];
            }
            return new GroupRecord(id, name, c, quota, cs, key, created, ids);
        });
    }

    public GroupRecord with(Compression c, long quota, byte[] key) {
        return new GroupRecord(id, name, c, quota, chunking, key, createdMillis, ids);
    }
}
