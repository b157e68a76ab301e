package dev.cistern.engine.meta;

import java.nio.charset.StandardCharsets;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Space counters kept as deltas merged by RocksDB's uint64 add operator, in the same batch as the
 * change they count, so they never drift from the data after a crash. Negative deltas wrap as two's
 * complement, which the addition undoes. Values are little-endian as the operator expects.
 */
public final class Counters {
    private Counters() {
    }

    public static byte[] key(String kind, long id, String name) {
        return (kind + ":" + id + ":" + name).getBytes(StandardCharsets.UTF_8);
    }

    public static void add(WriteBatch b, MetaStore meta, byte[] key, long delta) {
        if (delta == 0) return;
        try {
            b.merge(meta.cf(MetaStore.Family.COUNTERS), key, encode(delta));
        } catch (RocksDBException e) {
            throw MetaStore.ioError("counter", e);
        }
    }

    static byte[] encode(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    static long decode(byte[] b) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[i] & 0xff);
        return v;
    }
}
