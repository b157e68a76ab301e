package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers spread over more chunk containers than the engine keeps open, so read channels are evicted
 * while other readers use them, and a clean deletes files under readers: every read still returns the
 * right bytes.
 */
class ConcurrentReadsTest {
    @TempDir
    Path dir;

    @Test
    void readsAcrossManyContainersWhileChannelsAreEvictedAndFilesDeleted() throws Exception {
        EngineConfig small = EngineConfig.defaults(dir).withContainerSize(64 * 1024);
        // four workers whatever the machine: large reads then hand runs to several helpers at once
        EngineConfig cfg = new EngineConfig(dir, small.containerSize(), small.autoFlushBytes(), small.volumeUnit(), 4, small.clock());
        try (Engine e = Engines.open(cfg)) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            ContainerHandle c = e.openContainer("bkp");
            List<byte[]> data = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                data.add(TestData.random(100 + i, 3_000_000)); // ~50 containers each: far more than are kept open
                EngineRoundTripTest.put(c, "f" + i, data.get(i));
            }
            EngineRoundTripTest.put(c, "doomed", TestData.random(99, 3_000_000));
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> readers = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    Random r = new Random(t);
                    readers.add(pool.submit(() -> {
                        for (int k = 0; k < 300; k++) {
                            int f = r.nextInt(data.size());
                            byte[] want = data.get(f);
                            // small reads a chunk at a time, and large ones through the batched, parallel path
                            int len = 1 + r.nextInt(k % 3 == 0 ? 600_000 : k % 3 == 1 ? 70_000 : 4096);
                            int at = r.nextInt(want.length - len);
                            try (FileEntry entry = c.openFile("f" + f)) {
                                ByteBuffer b = ByteBuffer.allocate(len);
                                entry.read(at, b);
                                assertThat(java.util.Arrays.copyOf(b.array(), len))
                                        .isEqualTo(java.util.Arrays.copyOfRange(want, at, at + len));
                            }
                        }
                        return null;
                    }));
                }
                // meanwhile the cleaner deletes the containers of an entry and rewrites sparse ones
                c.delete("doomed");
                e.clean(Progress.NONE);
                for (Future<?> f : readers) f.get();
            } finally {
                pool.shutdownNow();
            }
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
    }
}
