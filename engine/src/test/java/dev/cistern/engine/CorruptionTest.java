package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.store.ChunkContainerFormat;
import dev.cistern.engine.store.ChunkRecord;
import dev.cistern.engine.store.TrailerEntry;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptionTest {
    @TempDir
    Path dir;

    private EngineConfig cfg() {
        return EngineConfig.defaults(dir).withContainerSize(128 * 1024);
    }

    /** Stores "a" then "b" (1 MB each) and flips a byte in the first chunk container, which holds only "a". */
    private void storeTwoFilesAndDamageTheFirstContainer(byte[] a, byte[] b) throws Exception {
        try (Engine e = Engines.open(cfg())) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            ContainerHandle c = e.openContainer("bkp");
            EngineRoundTripTest.put(c, "a", a);
            EngineRoundTripTest.put(c, "b", b);
        }
        // Containers are written in order: the first file holds only chunks of "a".
        Path groupDir;
        try (var s = Files.list(dir.resolve("chunks"))) {
            groupDir = s.findFirst().orElseThrow();
        }
        List<Path> files;
        try (var s = Files.list(groupDir)) {
            files = s.sorted().toList();
        }
        try (RandomAccessFile f = new RandomAccessFile(files.get(0).toFile(), "rw")) {
            f.seek(5000);
            int x = f.read();
            f.seek(5000);
            f.write(x ^ 0x5a);
        }
    }

    @Test
    void verifyNamesTheEntriesOnDamagedDataAndOthersStillRead() throws Exception {
        EngineConfig cfg = cfg();
        byte[] a = TestData.random(1, 1_000_000);
        byte[] b = TestData.random(2, 1_000_000);
        storeTwoFilesAndDamageTheFirstContainer(a, b);
        try (Engine e = Engines.open(cfg)) {
            VerifyReport r = e.verify(Progress.NONE);
            assertThat(r.clean()).isFalse();
            assertThat(r.damagedEntries()).containsExactly("bkp/a");
            // one damaged record: a stream's chunks are stored in frames of about 256 KiB sharing one checksum
            assertThat(r.damagedChunks()).isBetween(1L, 40L);
            ContainerHandle c = e.openContainer("bkp");
            assertThatThrownBy(() -> EngineRoundTripTest.readAll(c, "a")).isInstanceOf(EngineException.class)
                    .hasMessageContaining("checksum")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.DAMAGED);
            assertThat(EngineRoundTripTest.readAll(c, "b")).isEqualTo(b);
        }
    }

    /**
     * What a checksum cannot catch: a chunk's bytes rewritten together with its record's checksum (a bug, a
     * tool, someone with write access to the disk). Verify's SHA-256 of each chunk finds it, and only it.
     */
    @Test
    void verifyFindsAChangedChunkWhoseRecordChecksumStillMatches() throws Exception {
        byte[] a = TestData.random(1, 1_000_000);
        byte[] b = TestData.random(2, 1_000_000);
        try (Engine e = Engines.open(cfg())) {
            e.createGroup(new StorageGroupSpec("grp", Compression.NONE, 0, null, null)); // bytes stored as they are
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            ContainerHandle c = e.openContainer("bkp");
            EngineRoundTripTest.put(c, "a", a);
            EngineRoundTripTest.put(c, "b", b);
        }
        Path first;
        try (var groups = Files.list(dir.resolve("chunks")); var files = Files.list(groups.findFirst().orElseThrow())) {
            first = files.sorted().findFirst().orElseThrow();
        }
        try (FileChannel ch = FileChannel.open(first, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            TrailerEntry r = ChunkContainerFormat.scan(ch).records().getFirst();
            ByteBuffer buf = ByteBuffer.allocate(ChunkRecord.HEADER + r.payloadLength());
            ch.read(buf, r.offset());
            byte[] rec = buf.array();
            assertThat(ChunkRecord.isFrame(rec, 0)).as("a frame of several chunks").isTrue();
            int data = ChunkRecord.HEADER + ChunkRecord.chunkCount(rec, 0) * ChunkRecord.TABLE_ENTRY;
            rec[data + 100] ^= 0x5a; // inside the frame's first chunk
            ByteBuffer.wrap(rec).putInt(0, ChunkRecord.crc(rec, 4, rec.length - 4));
            ch.write(ByteBuffer.wrap(rec), r.offset());
        }
        try (Engine e = Engines.open(cfg())) {
            VerifyReport v = e.verify(Progress.NONE);
            assertThat(v.damagedChunks()).isEqualTo(1);
            assertThat(v.damagedEntries()).containsExactly("bkp/a");
            assertThat(EngineRoundTripTest.readAll(e.openContainer("bkp"), "b")).isEqualTo(b);
        }
    }

    /**
     * A cancelled verify gives no report: stopped before the damaged container it does not call it damaged,
     * stopped after it it counts the damage found so far; either way the next verify runs in full.
     */
    @Test
    void aCancelledVerifySaysWhatItCheckedAndNamesNothingItDidNot() throws Exception {
        storeTwoFilesAndDamageTheFirstContainer(TestData.random(1, 1_000_000), TestData.random(2, 1_000_000));
        try (Engine e = Engines.open(cfg())) {
            assertThatThrownBy(() -> e.verify(new CancelAfter(0)))
                    .isInstanceOf(EngineException.class)
                    .hasMessageMatching("verify cancelled after 0 of \\d+ chunk containers \\(0 chunks checked\\);"
                            + " no damage found so far")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.CANCELLED);
            assertThatThrownBy(() -> e.verify(new CancelAfter(1)))
                    .isInstanceOf(EngineException.class)
                    .hasMessageMatching("verify cancelled after 1 of \\d+ chunk containers \\(\\d+ chunks checked\\);"
                            + " \\d+ damaged chunk\\(s\\) found so far: run verify to completion to name the entries"
                            + " that reference them");
            VerifyReport r = e.verify(Progress.NONE);
            assertThat(r.damagedEntries()).containsExactly("bkp/a");
        }
    }

    /**
     * A clean that meets a damaged live record leaves that container in place and says so, and still
     * reclaims everything else; the next clean does the same rather than fail for good.
     */
    @Test
    void aDamagedLiveRecordLeavesItsContainerInPlaceAndTheCleanerGoesOn() throws Exception {
        damagedContainerAndTwoCleans(java.util.Set.of(1), (file, unit) -> {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                long at = unit + unit / 2; // inside the second record: unit 1, live
                f.seek(at);
                int x = f.read();
                f.seek(at);
                f.write(x ^ 0x5a);
            }
        });
    }

    /** The same when the disk lost the container's tail: a short read is damage the cleaner steps around. */
    @Test
    void aTruncatedContainerIsLeftInPlaceAndTheCleanerGoesOn() throws Exception {
        // cut inside the second record: units 1 and 4 to 7 are lost (2 and 3 are rewritten elsewhere)
        damagedContainerAndTwoCleans(java.util.Set.of(1, 4, 5, 6, 7), (file, unit) -> {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
                f.setLength(unit + unit / 2);
            }
        });
    }

    private interface Damage {
        void apply(Path containerFile, int unit) throws Exception;
    }

    private void damagedContainerAndTwoCleans(java.util.Set<Integer> lost, Damage damage) throws Exception {
        byte[][] units = new byte[16][];
        int unit;
        try (Engine e = Engines.open(cfg())) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("lun", "client", Map.of()));
            try (BlockVolume v = e.openContainer("lun").createVolume("vol", 1L << 20, 4096, false)) {
                unit = v.allocationUnit();
                // one record per unit (16 KiB by default), so 0 to 7 in the first 128 KiB chunk container,
                // 8 to 15 in the next (with 64 KiB units, two per container)
                for (int i = 0; i < units.length; i++) {
                    units[i] = TestData.random(10 + i, unit);
                    v.write((long) i * unit, java.nio.ByteBuffer.wrap(units[i]), true);
                }
            }
        }
        Path first;
        try (var groups = Files.list(dir.resolve("chunks")); var files = Files.list(groups.findFirst().orElseThrow())) {
            first = files.sorted().findFirst().orElseThrow();
        }
        damage.apply(first, unit);
        try (Engine e = Engines.open(cfg())) {
            ContainerHandle c = e.openContainer("lun");
            try (BlockVolume v = c.openVolume("vol")) {
                // units 0, 2 and 3 dead make the first container worth rewriting; 8 to 15 dead free others
                for (int i : new int[] {0, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15}) {
                    units[i] = TestData.random(100 + i, unit);
                    v.write((long) i * unit, java.nio.ByteBuffer.wrap(units[i]), true);
                }
            }
            for (int run = 0; run < 2; run++) {
                CleanReport r = e.clean(Progress.NONE);
                assertThat(r.containersDamaged()).as("run %d", run).isEqualTo(1);
                // the dead records of the container left in place are off the counters all the same
                assertThat(e.groupStats("grp").chunkCount()).as("chunks counted after run %d", run).isEqualTo(units.length);
                if (run == 0) {
                    assertThat(r.containersDeleted()).isGreaterThanOrEqualTo(1);
                    assertThat(r.bytesReclaimed()).isGreaterThanOrEqualTo(11L * unit);
                }
            }
            try (BlockVolume v = c.openVolume("vol")) {
                for (int i = 0; i < units.length; i++) {
                    long at = (long) i * unit;
                    if (lost.contains(i)) {
                        assertThatThrownBy(() -> v.read(at, java.nio.ByteBuffer.allocate(unit))).as("unit %d", i)
                                .isInstanceOf(EngineException.class)
                                .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.DAMAGED);
                        continue;
                    }
                    java.nio.ByteBuffer got = java.nio.ByteBuffer.allocate(unit);
                    v.read(at, got);
                    assertThat(got.array()).as("unit %d", i).isEqualTo(units[i]);
                }
            }
            assertThat(e.verify(Progress.NONE).damagedEntries()).containsExactly("lun/vol");
        }
        try (Engine e = Engines.open(cfg())) {
            assertThat(e.groupStats("grp").chunkCount()).as("chunks counted, as persisted").isEqualTo(units.length);
        }
    }
}
