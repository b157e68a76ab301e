package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner runs again and again while writers rewrite, unmap (small and large) and flush their own
 * regions of two volumes with data that repeats (so writes dedup against chunks the cleaner may judge
 * dead) and readers read them. No read fails; at the end every region matches its writer's model, after
 * a restart too, and verify is clean.
 */
class VolumeCleanerRaceTest {
    private static final int MB = 1024 * 1024;
    @TempDir
    Path dir;

    @Test
    void cleaningWhileVolumesAreWrittenAndUnmappedLosesNothing() throws Exception {
        int region = 8 * MB;
        int writers = 2;
        byte[][] models = new byte[writers * 2][region];
        EngineConfig cfg = EngineConfig.defaults(dir).withContainerSize(256 * 1024);
        try (Engine e = Engines.open(cfg)) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            ContainerHandle c = e.openContainer("lun-box");
            BlockVolume[] vols = {c.createVolume("a", (long) writers * region, 4096, false),
                    c.createVolume("b", (long) writers * region, 4096, false)};
            int unit = vols[0].allocationUnit();
            byte[][] pool = new byte[8][];
            for (int i = 0; i < pool.length; i++) pool[i] = TestData.random(i, unit);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers * 2; w++) {
                int id = w;
                BlockVolume v = vols[w % 2];
                long base = (long) (w / 2) * region;
                byte[] model = models[w];
                threads.add(Thread.ofPlatform().start(() -> {
                    Random r = new Random(id);
                    try {
                        for (int i = 0; i < 800 && failure.get() == null; i++) {
                            int op = r.nextInt(10);
                            if (op == 0) {
                                int units = 300 + r.nextInt(100);
                                int off = unit * r.nextInt(region / unit - units);
                                v.unmap(base + off, (long) units * unit);
                                Arrays.fill(model, off, off + units * unit, (byte) 0);
                            } else if (op == 1) {
                                int len = 4096 * (1 + r.nextInt(8));
                                int off = 4096 * r.nextInt((region - len) / 4096);
                                v.unmap(base + off, len);
                                Arrays.fill(model, off, off + len, (byte) 0);
                            } else {
                                int units = 1 + r.nextInt(8);
                                int off = unit * r.nextInt(region / unit - units);
                                byte[] d = new byte[units * unit];
                                for (int k = 0; k < units; k++) {
                                    byte[] u = r.nextInt(3) == 0 ? TestData.random(r.nextLong(), unit) : pool[r.nextInt(pool.length)];
                                    System.arraycopy(u, 0, d, k * unit, unit);
                                }
                                v.write(base + off, ByteBuffer.wrap(d), r.nextInt(10) == 0);
                                System.arraycopy(d, 0, model, off, d.length);
                            }
                            if (r.nextInt(15) == 0) v.flush();
                            int off = 4096 * r.nextInt(region / 4096 - 16);
                            ByteBuffer got = ByteBuffer.allocate(16 * 4096);
                            v.read(base + off, got);
                            if (!Arrays.equals(got.array(), Arrays.copyOfRange(model, off, off + 16 * 4096))) {
                                throw new AssertionError("writer " + id + ": read at " + off + " does not match its own writes");
                            }
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            Thread cleaner = Thread.ofPlatform().start(() -> {
                while (!stop.get() && failure.get() == null) {
                    try {
                        e.clean(Progress.NONE);
                    } catch (EngineException ex) {
                        if (ex.reason() != EngineException.Reason.BUSY) failure.compareAndSet(null, ex);
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }
            });
            for (Thread t : threads) t.join();
            stop.set(true);
            cleaner.join();
            assertThat(failure.get()).isNull();
            for (BlockVolume v : vols) v.flush();
            e.clean(Progress.NONE);
            check(vols, models, region);
            for (BlockVolume v : vols) v.close();
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
        try (Engine e = Engines.open(cfg)) {
            ContainerHandle c = e.openContainer("lun-box");
            BlockVolume[] vols = {c.openVolume("a"), c.openVolume("b")};
            check(vols, models, region);
            for (BlockVolume v : vols) v.close();
        }
    }

    private static void check(BlockVolume[] vols, byte[][] models, int region) {
        for (int w = 0; w < models.length; w++) {
            ByteBuffer got = ByteBuffer.allocate(region);
            vols[w % 2].read((long) (w / 2) * region, got);
            assertThat(Arrays.mismatch(got.array(), models[w])).as("writer %d: first mismatch", w).isEqualTo(-1);
        }
    }
}
