package dev.cistern.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.CleanReport;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.Progress;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.engine.StreamWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner against a writer, in the one interleaving that once lost data: the writer has appended
 * records and sealed their containers but not yet listed them, and the cleaner reads those containers'
 * listings (still empty) right then. It must look again under its write lock, after the writer's index
 * batch: deciding from the first look deleted the writer's chunks with the container.
 */
class CleanerInterleavingTest {
    private static final long WAIT_SECONDS = 30;

    @TempDir
    Path dir;

    @Test
    void chunksListedAfterTheCleanersFirstLookAreKept() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(42).nextBytes(data);
        // 64 KiB containers: the writer's first batch of a MiB fills and seals several
        try (LocalEngine e = (LocalEngine) Engines.open(EngineConfig.defaults(dir).withContainerSize(64 * 1024))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            ContainerHandle c = e.openContainer("bkp");

            CountDownLatch marked = new CountDownLatch(1);
            CountDownLatch sweepGo = new CountDownLatch(1);
            CountDownLatch appended = new CountDownLatch(1);
            CountDownLatch writerGo = new CountDownLatch(1);
            CountDownLatch atLock = new CountDownLatch(1);
            AtomicBoolean held = new AtomicBoolean();
            e.pausePoints.beforeSweep = () -> {
                marked.countDown();
                await(sweepGo);
            };
            e.pausePoints.afterAppend = () -> {
                if (held.compareAndSet(false, true)) { // only the first batch, whose containers get sealed
                    appended.countDown();
                    await(writerGo);
                }
            };
            e.pausePoints.beforeSweepLock = atLock::countDown;

            // threads of their own: the common pool has a single thread on two cores
            ExecutorService threads = Executors.newFixedThreadPool(2);
            // the cleaner marks first (nothing of the writer's is in the index yet) and waits
            CompletableFuture<CleanReport> clean = CompletableFuture.supplyAsync(() -> e.clean(Progress.NONE), threads);
            assertThat(marked.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("cleaner marked").isTrue();
            // the writer appends its first batch, sealing containers, and is held before listing them
            CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
                try (StreamWriter w = c.create("stream")) {
                    w.write(ByteBuffer.wrap(data));
                    w.commit(Map.of());
                }
            }, threads);
            assertThat(appended.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("writer appended").isTrue();
            // the cleaner now finds those containers sealed, with empty listings, and goes for its lock;
            // the writer, which holds the read lock, then lists and indexes its chunks
            sweepGo.countDown();
            assertThat(atLock.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("cleaner at its lock").isTrue();
            writerGo.countDown();
            write.get(WAIT_SECONDS, TimeUnit.SECONDS);
            clean.get(WAIT_SECONDS, TimeUnit.SECONDS);
            threads.shutdown();

            assertThat(readAll(c, "stream", data.length)).isEqualTo(data);
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
            // and a later clean, with the stream committed, keeps it too
            e.pausePoints.beforeSweep = () -> { };
            e.clean(Progress.NONE);
            assertThat(readAll(c, "stream", data.length)).isEqualTo(data);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT_SECONDS, TimeUnit.SECONDS)) throw new IllegalStateException("test timed out at a pause point");
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static byte[] readAll(ContainerHandle c, String name, int size) {
        ByteBuffer b = ByteBuffer.allocate(size);
        try (FileEntry f = c.openFile(name)) {
            while (b.hasRemaining() && f.read(b.position(), b) > 0) {
                // on to the end
            }
        }
        return b.array();
    }
}
