package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers racing to store the same chunks store each once: the one that loses waits for the other's
 * copy or finds it, in the cache or, once the cache dropped it, in the index.
 */
class ConcurrentDedupTest {
    @TempDir
    Path dir;

    /** Each writer's stream: a prefix of its own, then the same 24 MB as the others. */
    private static byte[][] streams(int writers) {
        byte[] shared = TestData.random(7, 24_000_000);
        byte[][] out = new byte[writers][];
        for (int w = 0; w < writers; w++) {
            byte[] prefix = TestData.random(100 + w, 50_000 * (w + 1));
            out[w] = new byte[prefix.length + shared.length];
            System.arraycopy(prefix, 0, out[w], 0, prefix.length);
            System.arraycopy(shared, 0, out[w], prefix.length, shared.length);
        }
        return out;
    }

    /**
     * A locality cache of four 64 KiB containers: chunks another writer stored after a writer's lookup are
     * often evicted before its commit, which must then ask the index.
     */
    @Test
    void writersRacingOnTheSameChunksStoreEachOnce() throws Exception {
        byte[][] data = streams(3);
        long sequential;
        try (Engine e = Engines.open(tinyCache(dir.resolve("one")))) {
            ContainerHandle c = open(e);
            for (int w = 0; w < data.length; w++) EngineRoundTripTest.put(c, "s" + w, data[w]);
            sequential = e.groupStats("grp").chunkCount();
        }
        for (int round = 0; round < 3; round++) {
            try (Engine e = Engines.open(tinyCache(dir.resolve("race" + round)))) {
                ContainerHandle c = open(e);
                List<Thread> threads = new ArrayList<>();
                List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
                for (int w = 0; w < data.length; w++) {
                    int k = w;
                    threads.add(Thread.ofPlatform().start(() -> {
                        try {
                            EngineRoundTripTest.put(c, "s" + k, data[k]);
                        } catch (Throwable t) {
                            failures.add(t);
                        }
                    }));
                }
                for (Thread t : threads) t.join();
                assertThat(failures).isEmpty();
                assertThat(e.groupStats("grp").chunkCount()).as("chunks stored, round %d", round).isEqualTo(sequential);
                for (int w = 0; w < data.length; w++) assertThat(EngineRoundTripTest.readAll(c, "s" + w)).isEqualTo(data[w]);
                assertThat(e.verify(Progress.NONE).clean()).isTrue();
            }
        }
    }

    private static EngineConfig tinyCache(Path dir) {
        return EngineConfig.defaults(dir).withContainerSize(64 * 1024).withLocalityContainers(4);
    }

    private static ContainerHandle open(Engine e) {
        e.createGroup(StorageGroupSpec.of("grp"));
        e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
        return e.openContainer("bkp");
    }
}
