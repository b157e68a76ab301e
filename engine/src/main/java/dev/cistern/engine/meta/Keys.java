package dev.cistern.engine.meta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Key encodings: big-endian ids and offsets so that RocksDB's byte order is numeric order. */
public final class Keys {
    private Keys() {
    }

    public static byte[] id(long id) {
        return ByteBuffer.allocate(8).putLong(id).array();
    }

    public static byte[] id2(long a, long b) {
        return ByteBuffer.allocate(16).putLong(a).putLong(b).array();
    }

    public static byte[] id4(long a, long b, int c, int d) {
        return ByteBuffer.allocate(24).putLong(a).putLong(b).putInt(c).putInt(d).array();
    }

    public static byte[] idBytes(long id, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).putLong(id).put(rest).array();
    }

    public static byte[] idName(long id, String name) {
        return idBytes(id, name.getBytes(StandardCharsets.UTF_8));
    }

    public static long longAt(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 8).getLong();
    }

    public static int intAt(byte[] b, int off) {
        return ByteBuffer.wrap(b, off, 4).getInt();
    }

    public static String nameAt(byte[] b, int off) {
        return new String(b, off, b.length - off, StandardCharsets.UTF_8);
    }
}
