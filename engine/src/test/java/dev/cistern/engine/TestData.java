package dev.cistern.engine;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Random;

/** Deterministic test data: random bytes, and "backup-like" data with repetition and compressible text. */
public final class TestData {
    private TestData() {
    }

    /** Stores {@code data} as the new stream {@code name} and commits it. */
    public static void store(ContainerHandle c, String name, byte[] data) {
        try (StreamWriter w = c.create(name)) {
            w.write(ByteBuffer.wrap(data));
            w.commit(Map.of());
        }
    }

    /** The whole of entry {@code name}. */
    public static byte[] readAll(ContainerHandle c, String name) {
        try (FileEntry f = c.openFile(name)) {
            byte[] out = new byte[(int) f.size()];
            ByteBuffer b = ByteBuffer.wrap(out);
            long pos = 0;
            while (b.hasRemaining()) {
                int n = f.read(pos, b);
                if (n < 0) break;
                pos += n;
            }
            return out;
        }
    }

    /** {@code len} bytes of volume {@code v} from {@code off}. */
    public static byte[] read(BlockVolume v, long off, int len) {
        ByteBuffer b = ByteBuffer.allocate(len);
        v.read(off, b);
        return b.array();
    }

    public static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Half-compressible bytes: random words from a small vocabulary mixed with random runs. */
    public static byte[] compressible(long seed, int n) {
        Random r = new Random(seed);
        String[] words = {"cistern ", "backup ", "chunk ", "storage ", "dedup ", "container ", "volume ", "index "};
        byte[] b = new byte[n];
        int i = 0;
        while (i < n) {
            if (r.nextInt(20) == 0) {
                int k = Math.min(n - i, 8 + r.nextInt(32));
                for (int j = 0; j < k; j++) b[i++] = (byte) r.nextInt(256);
            } else {
                byte[] w = words[r.nextInt(words.length)].getBytes();
                for (int j = 0; j < w.length && i < n; j++) b[i++] = w[j];
            }
        }
        return b;
    }
}
