package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockVolumeTest {
    private static final int MB = 1024 * 1024;
    @TempDir
    Path dir;

    @Test
    void randomWritesMatchAModelAcrossFlushAndRestart() {
        byte[] model = new byte[8 * MB];
        Random r = new Random(7);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", model.length, 512, false)) {
                assertThat(TestData.read(v, 0, 4096)).containsOnly(0);
                for (int i = 0; i < 400; i++) {
                    int blocks = 1 + r.nextInt(200);
                    long off = 512L * r.nextInt(model.length / 512 - blocks);
                    byte[] d = TestData.random(i, blocks * 512);
                    v.write(off, ByteBuffer.wrap(d), i % 50 == 0);
                    System.arraycopy(d, 0, model, (int) off, d.length);
                    if (i % 7 == 0) {
                        long o = 512L * r.nextInt(model.length / 512 - 64);
                        assertThat(TestData.read(v, o, 64 * 512)).isEqualTo(java.util.Arrays.copyOfRange(model, (int) o, (int) o + 64 * 512));
                    }
                }
                v.flush();
                assertThat(TestData.read(v, 0, model.length)).isEqualTo(model);
            }
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            try (BlockVolume v = e.openContainer("lun-box").openVolume("lun-0")) {
                assertThat(TestData.read(v, 0, model.length)).isEqualTo(model);
            }
        }
    }

    @Test
    void unmapAndZeroWritesDeallocateAndExtentsReportIt() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", 4L * MB, 4096, false)) {
                int unit = v.allocationUnit();
                v.write(0, ByteBuffer.wrap(TestData.random(1, MB)), false);
                assertThat(v.extents(0, 4L * MB)).containsExactly(
                        new BlockVolume.Extent(0, MB, true), new BlockVolume.Extent(MB, 3L * MB, false));
                v.unmap(unit, unit);
                assertThat(TestData.read(v, unit, unit)).containsOnly(0);
                v.write(2L * unit, ByteBuffer.wrap(new byte[unit]), false);
                v.flush();
                assertThat(v.extents(0, 4L * unit)).containsExactly(new BlockVolume.Extent(0, unit, true),
                        new BlockVolume.Extent(unit, 2L * unit, false), new BlockVolume.Extent(3L * unit, unit, true));
                assertThat(e.containerStats("lun-box").logicalBytes()).isEqualTo(MB - 2L * unit);
            }
        }
    }

    @Test
    void identicalDataOnTwoVolumesIsStoredOnce() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            ContainerHandle c = e.openContainer("lun-box");
            byte[] img = TestData.random(9, 4 * MB);
            try (BlockVolume a = c.createVolume("lun-0", 4L * MB, 512, false);
                 BlockVolume b = c.createVolume("lun-1", 4L * MB, 512, false)) {
                a.write(0, ByteBuffer.wrap(img), true);
                long stored = e.groupStats("grp").storedBytes();
                b.write(0, ByteBuffer.wrap(img), true);
                assertThat(e.groupStats("grp").storedBytes()).isEqualTo(stored);
                assertThat(TestData.read(b, 0, img.length)).isEqualTo(img);
            }
        }
    }

    @Test
    void badRangesAndReadOnlyAreRefused() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            ContainerHandle c = e.openContainer("lun-box");
            try (BlockVolume v = c.createVolume("ro", MB, 512, true)) {
                assertThatThrownBy(() -> v.write(0, ByteBuffer.allocate(512), false))
                        .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.READ_ONLY);
                assertThatThrownBy(() -> v.read(MB, ByteBuffer.allocate(512)))
                        .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
                assertThatThrownBy(() -> v.read(100, ByteBuffer.allocate(512)))
                        .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
            }
            assertThatThrownBy(() -> c.createVolume("ro", MB, 512, false))
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.ALREADY_EXISTS);
            assertThatThrownBy(() -> c.createVolume("bad", 1000, 512, false))
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
        }
    }

    /**
     * Reads of many units at once (the batched path) over a volume that grew: its old last unit is a
     * chunk shorter than a unit, and the bytes after it, never written, read as zeros; so do unmapped
     * units in between. Checked before the flush (locations from the unflushed map), after it (from
     * the block map and the index), and after a restart, at offsets that cut units.
     */
    @Test
    void largeReadsOfAGrownVolumeMatchAModel() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", 4L * MB + 4096, 4096, false)) {
                int unit = v.allocationUnit();
                byte[] model = new byte[8 * MB];
                byte[] first = TestData.random(3, 4 * MB + 4096);
                v.write(0, ByteBuffer.wrap(first), false);
                System.arraycopy(first, 0, model, 0, first.length);
                v.flush();
                v.resize(model.length);
                byte[] later = TestData.random(4, 3 * unit);
                v.write(5L * MB, ByteBuffer.wrap(later), false); // unflushed, with unmapped units around it
                System.arraycopy(later, 0, model, 5 * MB, later.length);
                v.unmap(unit, 2L * unit);
                java.util.Arrays.fill(model, unit, 3 * unit, (byte) 0);
                Random r = new Random(11);
                for (int round = 0; round < 3; round++) {
                    assertThat(TestData.read(v, 0, model.length)).isEqualTo(model);
                    for (int i = 0; i < 20; i++) {
                        int len = 4096 * (1 + r.nextInt(300));
                        long off = 4096L * r.nextInt((model.length - len) / 4096);
                        assertThat(TestData.read(v, off, len)).as("round %d, %d bytes at %d", round, len, off)
                                .isEqualTo(java.util.Arrays.copyOfRange(model, (int) off, (int) off + len));
                    }
                    if (round == 0) v.flush();
                }
            }
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            try (BlockVolume v = e.openContainer("lun-box").openVolume("lun-0")) {
                byte[] all = TestData.read(v, 0, 8 * MB);
                assertThat(java.util.Arrays.copyOfRange(all, 4 * MB + 4096, 5 * MB)).containsOnly(0);
                assertThat(java.util.Arrays.copyOfRange(all, 0, 4 * MB + 4096)).isEqualTo(patched(TestData.random(3, 4 * MB + 4096), v.allocationUnit()));
            }
        }
    }

    /** An encrypted group's volume: batched reads fail LOCKED until the group is unlocked, then match. */
    @Test
    void largeReadsOfALockedVolumeFailUntilUnlocked() {
        char[] pass = "volume passphrase".toCharArray();
        byte[] data = TestData.compressible(8, 2 * MB);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("sealed", Compression.FAST, 0, ChunkingSpec.DEFAULT, pass));
            e.createContainer("sealed", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", 2L * MB, 4096, false)) {
                v.write(0, ByteBuffer.wrap(data), true);
                assertThat(TestData.read(v, 0, 2 * MB)).isEqualTo(data);
            }
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            try (BlockVolume v = e.openContainer("lun-box").openVolume("lun-0")) {
                assertThatThrownBy(() -> TestData.read(v, 0, 2 * MB))
                        .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.LOCKED);
                e.unlockGroup("sealed", pass);
                assertThat(TestData.read(v, 0, 2 * MB)).isEqualTo(data);
                assertThat(TestData.read(v, 12288, 300 * 1024)).isEqualTo(java.util.Arrays.copyOfRange(data, 12288, 12288 + 300 * 1024));
            }
        }
    }

    /** The first write of the test above, with units 1 and 2 unmapped. */
    private static byte[] patched(byte[] first, int unit) {
        java.util.Arrays.fill(first, unit, 3 * unit, (byte) 0);
        return first;
    }

    /** Ranges whose end wraps past Long.MAX_VALUE are refused, not taken as inside the volume. */
    @Test
    void rangesThatOverflowAreInvalid() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun-box", "iscsi", Map.of()));
            try (BlockVolume v = e.openContainer("lun-box").createVolume("lun-0", 4L * MB, 512, false)) {
                long off = Long.MAX_VALUE - 511;
                for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : java.util.List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                        () -> v.write(off, ByteBuffer.wrap(new byte[1024]), true),
                        () -> v.read(off, ByteBuffer.allocate(1024)),
                        () -> v.unmap(off, 1024),
                        () -> v.unmap(512, Long.MAX_VALUE - 511))) {
                    assertThatThrownBy(call).extracting(t -> ((EngineException) t).reason())
                            .isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
                }
            }
        }
    }
}
