package dev.cistern.engine.meta;

import dev.cistern.engine.ChunkingSpec;
import dev.cistern.engine.Compression;

/** A storage group as persisted. {@code wrappedKey} is null for unencrypted groups. */
public record GroupRecord(long id, String name, Compression compression, long quotaBytes, ChunkingSpec chunking,
                          byte[] wrappedKey, long createdMillis) {
    private static final int VERSION = 1;

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
            return new GroupRecord(id, name, c, quota, cs, key, in.readLong());
        });
    }

    public GroupRecord with(Compression c, long quota, byte[] key) {
        return new GroupRecord(id, name, c, quota, chunking, key, createdMillis);
    }
}
