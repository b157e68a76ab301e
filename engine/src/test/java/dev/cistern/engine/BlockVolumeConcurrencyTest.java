package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes to overlapping and adjacent block ranges (whole units, partial units, unit edges), small
 * unmaps and flushes, all at once on one volume, with readers racing them. Every 512-byte block holds
 * the id of the write that put it there and its own index: a read must find each block whole (one
 * write's, or zeros), and in the end no two writes may each have won part of the blocks they share.
 */
class BlockVolumeConcurrencyTest {
    private static final int BLOCK = 512;
    @TempDir
    Path dir;

    @Test
    void overlappingWritesLandWholeAndReadsNeverSeeATornBlock() throws Exception {
        int blocks = 2048; // 1 MiB: a few dozen units, so writes collide often
        int writes = 1500;
        long[][] ranges = new long[writes + 1][];
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", (long) blocks * BLOCK, BLOCK, false)) {
                AtomicInteger nextId = new AtomicInteger(1);
                AtomicBoolean done = new AtomicBoolean();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int seed = t;
                    threads.add(Thread.ofPlatform().start(() -> {
                        Random r = new Random(seed);
                        try {
                            int id;
                            while ((id = nextId.getAndIncrement()) <= writes && failure.get() == null) {
                                int n = 1 + r.nextInt(r.nextBoolean() ? 8 : 100);
                                int first = r.nextInt(blocks - n + 1);
                                ranges[id] = new long[] {first, first + n};
                                if (r.nextInt(25) == 0) {
                                    v.unmap((long) first * BLOCK, (long) n * BLOCK);
                                    ranges[id] = null; // zeros: not checked for order
                                } else {
                                    v.write((long) first * BLOCK, ByteBuffer.wrap(stamped(id, first, n)), r.nextInt(30) == 0);
                                }
                                if (r.nextInt(40) == 0) v.flush();
                            }
                        } catch (Throwable ex) {
                            failure.compareAndSet(null, ex);
                        }
                    }));
                }
                List<Thread> readers = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int seed = 100 + t;
                    readers.add(Thread.ofPlatform().start(() -> {
                        Random r = new Random(seed);
                        try {
                            while (!done.get() && failure.get() == null) {
                                int n = 1 + r.nextInt(200);
                                int first = r.nextInt(blocks - n + 1);
                                ByteBuffer got = ByteBuffer.allocate(n * BLOCK);
                                v.read((long) first * BLOCK, got);
                                for (int b = 0; b < n; b++) owner(got.array(), b, first + b);
                            }
                        } catch (Throwable ex) {
                            failure.compareAndSet(null, ex);
                        }
                    }));
                }
                for (Thread t : threads) t.join();
                done.set(true);
                for (Thread t : readers) t.join();
                assertThat(failure.get()).isNull();
                ByteBuffer all = ByteBuffer.allocate(blocks * BLOCK);
                v.read(0, all);
                int[] owner = new int[blocks];
                for (int b = 0; b < blocks; b++) owner[b] = owner(all.array(), b, b);
                // two writes sharing blocks: one of them wins all the shared blocks that a third did not take
                for (int a = 1; a <= writes; a++) {
                    for (int c = a + 1; c <= writes; c++) {
                        if (ranges[a] == null || ranges[c] == null) continue;
                        long from = Math.max(ranges[a][0], ranges[c][0]);
                        long to = Math.min(ranges[a][1], ranges[c][1]);
                        boolean aWon = false;
                        boolean cWon = false;
                        for (long b = from; b < to; b++) {
                            aWon |= owner[(int) b] == a;
                            cWon |= owner[(int) b] == c;
                        }
                        assertThat(aWon && cWon).as("writes %d and %d both won part of blocks [%d, %d)", a, c, from, to).isFalse();
                    }
                }
            }
        }
    }

    private static byte[] stamped(int id, int first, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * BLOCK);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < BLOCK / 8; k++) b.putInt(id).putInt(first + i);
        }
        return b.array();
    }

    /** The write that block {@code b} of {@code data} (volume block {@code index}) came from, 0 if zeros; fails if torn. */
    private static int owner(byte[] data, int b, int index) {
        ByteBuffer bb = ByteBuffer.wrap(data, b * BLOCK, BLOCK);
        int id = bb.getInt();
        int idx = bb.getInt();
        if (id == 0 && idx == 0) {
            for (int k = 8; k < BLOCK; k++) {
                if (data[b * BLOCK + k] != 0) throw new AssertionError("block " + index + " is partly zeros");
            }
            return 0;
        }
        if (idx != index) throw new AssertionError("block " + index + " holds block " + idx + " of write " + id);
        for (int k = 1; k < BLOCK / 8; k++) {
            if (bb.getInt() != id || bb.getInt() != idx) throw new AssertionError("block " + index + " is torn (write " + id + ")");
        }
        return id;
    }
}
