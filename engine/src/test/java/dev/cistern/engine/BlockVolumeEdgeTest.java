package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volumes at their extremes: huge sparse ones, and resizes racing I/O. */
class BlockVolumeEdgeTest {
    private static final int MB = 1024 * 1024;
    private static final long TB = 1024L * 1024 * MB;
    @TempDir
    Path dir;

    /**
     * A 10 TB volume with a few units written: unmapping all of it (what mkfs and a full-disk TRIM do) and
     * listing its extents take time and memory for its mapped units, not for its size.
     */
    @Test
    void unmapAndExtentsOfAHugeSparseVolumeAreCheap() {
        long size = 10 * TB;
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("big", size, 4096, false)) {
                int unit = v.allocationUnit();
                byte[] d = TestData.random(1, unit);
                v.write(0, ByteBuffer.wrap(d), false);
                v.write(5 * TB, ByteBuffer.wrap(d), true);
                v.write(size - unit, ByteBuffer.wrap(d), false);
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                    assertThat(v.extents(0, size)).hasSize(5);
                    v.unmap(4096, size - 8192); // the first and last block stay
                    assertThat(v.extents(0, size)).hasSize(3);
                });
                assertThat(TestData.read(v, 5 * TB, unit)).containsOnly(0);
                assertThat(TestData.read(v, 0, 4096)).isEqualTo(java.util.Arrays.copyOf(d, 4096));
                assertThat(TestData.read(v, 4096, unit - 4096)).containsOnly(0);
                v.flush();
                assertThat(e.containerStats("lun-box").logicalBytes()).isEqualTo(2L * unit);
            }
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            try (BlockVolume v = e.openContainer("lun-box").openVolume("big")) {
                assertThat(TestData.read(v, 5 * TB, 4096)).containsOnly(0);
                assertThat(TestData.read(v, size - 4096, 4096)).isEqualTo(java.util.Arrays.copyOfRange(TestData.random(1, v.allocationUnit()),
                        v.allocationUnit() - 4096, v.allocationUnit()));
            }
        }
    }

    /**
     * Writes, large unmaps (dropped from the block map at once) and small ones (through the unflushed map)
     * mixed with flushes: reads match a model, and the extents cover the range in order with every
     * non-zero byte in a mapped one; after a restart too.
     */
    @Test
    void largeAndSmallUnmapsMixedWithWritesMatchAModel() {
        int size = 64 * MB;
        byte[] model = new byte[size];
        java.util.Random r = new java.util.Random(5);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", size, 512, false)) {
                for (int i = 0; i < 300; i++) {
                    int op = r.nextInt(10);
                    int len = 512 * (1 + r.nextInt(op < 2 ? 40_000 : 400));
                    int off = 512 * r.nextInt((size - len) / 512);
                    if (op < 4) {
                        v.unmap(off, len);
                        java.util.Arrays.fill(model, off, off + len, (byte) 0);
                    } else {
                        byte[] d = TestData.random(i, len);
                        v.write(off, ByteBuffer.wrap(d), false);
                        System.arraycopy(d, 0, model, off, len);
                    }
                    if (r.nextInt(20) == 0) v.flush();
                    if (i % 30 == 0) checkExtents(v, model);
                }
                assertThat(TestData.read(v, 0, size)).isEqualTo(model);
                checkExtents(v, model);
            }
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            try (BlockVolume v = e.openContainer("lun-box").openVolume("lun-0")) {
                assertThat(TestData.read(v, 0, size)).isEqualTo(model);
                checkExtents(v, model);
            }
        }
    }

    private static void checkExtents(BlockVolume v, byte[] model) {
        java.util.Random r = new java.util.Random(model.length);
        for (int k = 0; k < 5; k++) {
            int bs = v.blockSize();
            int off = k == 0 ? 0 : bs * r.nextInt(model.length / bs);
            int len = k == 0 ? model.length : bs * r.nextInt((model.length - off) / bs + 1);
            long pos = off;
            boolean lastMapped = false;
            for (BlockVolume.Extent x : v.extents(off, len)) {
                assertThat(x.offset()).isEqualTo(pos);
                assertThat(x.length()).isPositive();
                if (pos > off) assertThat(x.mapped()).isNotEqualTo(lastMapped);
                if (!x.mapped()) {
                    byte[] part = java.util.Arrays.copyOfRange(model, (int) x.offset(), (int) (x.offset() + x.length()));
                    assertThat(java.util.Arrays.mismatch(part, new byte[part.length])).as("unmapped extent %s holds data", x).isEqualTo(-1);
                }
                lastMapped = x.mapped();
                pos += x.length();
            }
            assertThat(pos).isEqualTo(off + len);
        }
    }

    /**
     * A large unmap over units whose newest data is unflushed (the block map holds older data): a read
     * racing it sees the newest data or zeros, never the older flushed data the unflushed write replaced.
     */
    @Test
    void readsRacingALargeUnmapNeverSeeDataOlderThanTheLastWrite() throws Exception {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", 32L * MB, 4096, false)) {
                int unit = v.allocationUnit();
                int len = 512 * unit;
                byte[] older = TestData.random(1, unit);
                byte[] newer = TestData.random(2, unit);
                byte[] zeros = new byte[unit];
                for (int round = 0; round < 6; round++) {
                    for (int u = 0; u < 512; u++) v.write((long) u * unit, ByteBuffer.wrap(older), false);
                    v.flush();
                    for (int u = 0; u < 512; u++) v.write((long) u * unit, ByteBuffer.wrap(newer), false);
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicReference<Throwable> failure = new AtomicReference<>();
                    Thread reader = Thread.ofPlatform().start(() -> {
                        java.util.Random r = new java.util.Random();
                        while (!stop.get() && failure.get() == null) {
                            long u = r.nextInt(512);
                            try {
                                byte[] got = TestData.read(v, u * unit, unit);
                                if (!java.util.Arrays.equals(got, newer) && !java.util.Arrays.equals(got, zeros)) {
                                    failure.set(new AssertionError("unit " + u + " read "
                                            + (java.util.Arrays.equals(got, older) ? "the older data" : "garbage")));
                                }
                            } catch (Throwable t) {
                                failure.set(t);
                            }
                        }
                    });
                    Thread.sleep(2);
                    v.unmap(0, len);
                    stop.set(true);
                    reader.join();
                    assertThat(failure.get()).as("round %d", round).isNull();
                    assertThat(TestData.read(v, 0, len)).containsOnly(0);
                }
            }
        }
    }

    /**
     * Resizes to sizes that cut units (grow and shrink), writes and unmaps up to the last block, flushes:
     * the volume reads as a model, also after a restart; what a shrink dropped reads as zeros after a grow.
     */
    @Test
    void resizesThatCutUnitsWithWritesAtTheEndMatchAModel() {
        Random r = new Random(9);
        byte[] model = new byte[3 * MB + 4096];
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", model.length, 4096, false)) {
                for (int i = 0; i < 200; i++) {
                    int op = r.nextInt(10);
                    if (op == 0) {
                        int size = 4096 * (1 + r.nextInt(4 * MB / 4096));
                        v.resize(size);
                        byte[] m = new byte[size];
                        System.arraycopy(model, 0, m, 0, Math.min(size, model.length));
                        model = m;
                    } else {
                        int blocks = model.length / 4096;
                        int n = 1 + r.nextInt(Math.min(blocks, 40));
                        int first = r.nextBoolean() ? blocks - n : r.nextInt(blocks - n + 1); // often the last block
                        if (op < 3) {
                            v.unmap(first * 4096L, n * 4096L);
                            java.util.Arrays.fill(model, first * 4096, (first + n) * 4096, (byte) 0);
                        } else {
                            byte[] d = TestData.random(i, n * 4096);
                            v.write(first * 4096L, ByteBuffer.wrap(d), false);
                            System.arraycopy(d, 0, model, first * 4096, d.length);
                        }
                    }
                    if (r.nextInt(8) == 0) v.flush();
                    assertThat(v.size()).isEqualTo(model.length);
                    if (i % 10 == 0) assertThat(java.util.Arrays.mismatch(TestData.read(v, 0, model.length), model)).as("step %d", i).isEqualTo(-1);
                }
                checkExtents(v, model);
                v.flush();
                long mapped = v.extents(0, v.size()).stream().filter(BlockVolume.Extent::mapped).mapToLong(BlockVolume.Extent::length).sum();
                assertThat(e.containerStats("lun-box").logicalBytes()).as("logical bytes: the mapped bytes").isEqualTo(mapped);
                // a copy of a volume whose last unit is short counts that unit's bytes, not a whole unit
                v.resize(2L * MB + 4096);
                model = java.util.Arrays.copyOf(model, 2 * MB + 4096);
                byte[] last = TestData.random(99, 4096);
                v.write(2L * MB, ByteBuffer.wrap(last), true);
                System.arraycopy(last, 0, model, 2 * MB, 4096);
                mapped = v.extents(0, v.size()).stream().filter(BlockVolume.Extent::mapped).mapToLong(BlockVolume.Extent::length).sum();
                assertThat(e.containerStats("lun-box").logicalBytes()).isEqualTo(mapped);
                e.openContainer("lun-box").copy("lun-0", "lun-copy");
                assertThat(e.containerStats("lun-box").logicalBytes()).as("logical bytes with the copy").isEqualTo(2 * mapped);
            }
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            try (BlockVolume v = e.openContainer("lun-box").openVolume("lun-0")) {
                assertThat(java.util.Arrays.mismatch(TestData.read(v, 0, model.length), model)).isEqualTo(-1);
            }
        }
    }

    /**
     * A volume renamed while open (an admin renames a LUN in use): its open handle keeps working, resize
     * and flush included, and a delete of the new name makes the old handle fail and leaves nothing behind.
     */
    @Test
    void aVolumeRenamedWhileOpenCanStillBeResizedFlushedAndDeleted() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            ContainerHandle c = e.openContainer("lun-box");
            byte[] d = TestData.random(3, 64 * 1024);
            try (BlockVolume v = c.createVolume("a", 4L * MB, 4096, false)) {
                v.write(0, ByteBuffer.wrap(d), false);
                c.rename("a", "b");
                v.resize(8L * MB);
                v.write(6L * MB, ByteBuffer.wrap(d), false);
                v.flush();
                assertThat(v.size()).isEqualTo(8L * MB);
            }
            try (BlockVolume v = c.openVolume("b")) {
                assertThat(v.size()).isEqualTo(8L * MB);
                assertThat(TestData.read(v, 0, d.length)).isEqualTo(d);
                assertThat(TestData.read(v, 6L * MB, d.length)).isEqualTo(d);
                assertThat(e.containerStats("lun-box").logicalBytes()).isEqualTo(2L * d.length);
                c.rename("b", "c");
                c.delete("c");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> v.write(0, ByteBuffer.wrap(d), true))
                        .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.NOT_FOUND);
            }
            assertThat(e.containerStats("lun-box").logicalBytes()).isEqualTo(0L);
        }
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
                    byte[] end = TestData.read(v, small, (int) (4L * MB - small));
                    assertThat(java.util.Arrays.mismatch(end, new byte[end.length])).as("round %d: first non-zero byte past the cut", round)
                            .isEqualTo(-1);
                    v.flush();
                    assertThat(e.containerStats("lun-box").logicalBytes()).as("round %d", round).isEqualTo(0L);
                }
            }
        }
    }
}
