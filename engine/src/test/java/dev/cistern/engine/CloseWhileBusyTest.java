package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing the engine while writers, readers and a clean are busy (a server shutting down, or the watcher
 * restarting the engine): their calls fail with an engine error, the JVM survives (a call reaching
 * RocksDB after it was freed used to crash it), and everything committed reads back after reopening.
 */
class CloseWhileBusyTest {
    @TempDir
    Path dir;

    @Test
    void closingUnderLoadFailsCallsCleanlyAndKeepsWhatWasCommitted() throws Exception {
        EngineConfig cfg = EngineConfig.defaults(dir).withContainerSize(256 * 1024);
        Map<String, byte[]> committed = new ConcurrentHashMap<>();
        List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
        Engine e = Engines.open(cfg);
        e.createGroup(StorageGroupSpec.of("grp"));
        e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
        ContainerHandle c = e.openContainer("bkp");
        EngineRoundTripTest.put(c, "seed", TestData.random(1, 1_000_000));
        committed.put("seed", TestData.random(1, 1_000_000));
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int k = w;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; ; i++) {
                    byte[] data = TestData.random(1000L * k + i, 1_500_000);
                    String name = "w" + k + "-" + i;
                    try (StreamWriter sw = c.create(name)) {
                        for (int off = 0; off < data.length; off += 100_000) sw.write(ByteBuffer.wrap(data, off, 100_000));
                        sw.commit(Map.of());
                        committed.put(name, data);
                    } catch (Throwable t) {
                        expectOnlyAfterClose(t, closing.get(), unexpected);
                        return;
                    }
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            while (true) {
                try {
                    EngineRoundTripTest.readAll(c, "seed");
                    e.clean(Progress.NONE);
                } catch (Throwable t) {
                    expectOnlyAfterClose(t, closing.get(), unexpected);
                    return;
                }
            }
        }));
        Thread.sleep(700);
        for (Thread t : threads) assertThat(t.isAlive()).as("busy until the close").isTrue();
        closing.set(true);
        e.close();
        for (Thread t : threads) {
            t.join(60_000);
            assertThat(t.isAlive()).as("a thread still waits on the closed engine").isFalse();
        }
        assertThat(unexpected).isEmpty();
        assertThat(committed.size()).isGreaterThan(1);
        try (Engine again = Engines.open(cfg)) {
            ContainerHandle c2 = again.openContainer("bkp");
            for (var en : committed.entrySet()) assertThat(EngineRoundTripTest.readAll(c2, en.getKey())).as(en.getKey()).isEqualTo(en.getValue());
            assertThat(again.verify(Progress.NONE).clean()).isTrue();
        }
    }

    /**
     * Only engine errors, and only once the close began: an error before it (a real race between the
     * threads) or any other exception, also one suppressed by a writer's close, is a failure.
     */
    private static void expectOnlyAfterClose(Throwable t, boolean closing, List<Throwable> unexpected) {
        if (!closing || !(t instanceof EngineException)) unexpected.add(t);
        for (Throwable s : t.getSuppressed()) if (!(s instanceof EngineException)) unexpected.add(s);
    }
}
