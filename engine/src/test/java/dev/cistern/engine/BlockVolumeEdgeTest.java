package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volumes at their extremes: huge sparse ones, and resizes racing I/O. */
class BlockVolumeEdgeTest {
    private static final int MB = 1024 * 1024;
    @TempDir
    Path dir;

    private static byte[] read(BlockVolume v, long off, int len) {
        ByteBuffer b = ByteBuffer.allocate(len);
        v.read(off, b);
        return b.array();
    }

    /**
     * Writers keep writing the end of a volume while it shrinks to a size that cuts a unit. A write either
     * lands before the shrink (and is dropped with the end) or is refused as out of range after it; none
     * fails otherwise. Grown back, the dropped end reads as zeros.
     */
    @Test
    void aShrinkRacingWritesToTheDroppedEndLeavesOnlyZerosThere() throws Exception {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", 4L * MB, 4096, false)) {
                int unit = v.allocationUnit();
                long small = 2L * MB + 4096; // cuts a unit
                for (int round = 0; round < 30; round++) {
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicReference<Throwable> failure = new AtomicReference<>();
                    List<Thread> writers = new ArrayList<>();
                    for (int t = 0; t < 3; t++) {
                        int seed = round * 10 + t;
                        writers.add(Thread.ofPlatform().start(() -> {
                            java.util.Random r = new java.util.Random(seed);
                            byte[] d = TestData.random(seed, 2 * unit);
                            while (!stop.get()) {
                                long off = small + 4096L * r.nextInt((int) (4L * MB - small - 2 * unit) / 4096);
                                try {
                                    v.write(off, ByteBuffer.wrap(d, 0, 4096 * (1 + r.nextInt(2 * unit / 4096))), false);
                                } catch (EngineException ex) {
                                    if (ex.reason() != EngineException.Reason.INVALID_ARGUMENT) failure.compareAndSet(null, ex);
                                } catch (Throwable ex) {
                                    failure.compareAndSet(null, ex);
                                }
                            }
                        }));
                    }
                    Thread.sleep(20);
                    v.resize(small);
                    Thread.sleep(5);
                    stop.set(true);
                    for (Thread t : writers) t.join();
                    assertThat(failure.get()).as("round %d", round).isNull();
                    v.flush();
                    v.resize(4L * MB);
                    byte[] end = read(v, small, (int) (4L * MB - small));
                    assertThat(java.util.Arrays.mismatch(end, new byte[end.length])).as("round %d: first non-zero byte past the cut", round)
                            .isEqualTo(-1);
                    v.flush();
                    assertThat(e.containerStats("lun-box").logicalBytes()).as("round %d", round).isEqualTo(0L);
                }
            }
        }
    }
}
