package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineRoundTripTest {
    @TempDir
    Path dir;

    static byte[] readAll(ContainerHandle c, String name) {
        return TestData.readAll(c, name);
    }

    static void put(ContainerHandle c, String name, byte[] data) {
        try (StreamWriter w = c.create(name)) {
            // odd write sizes, to cross segment and chunk boundaries everywhere
            int pos = 0;
            Random r = new Random(data.length);
            while (pos < data.length) {
                int n = Math.min(data.length - pos, 1 + r.nextInt(300_000));
                w.write(data, pos, n);
                pos += n;
            }
            w.commit(Map.of("k", "v"));
        }
    }

    @Test
    void streamRoundTripAndDedupOfSecondCopy() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("main"));
            e.createContainer("main", new ContainerSpec("backups", "client", Map.of()));
            ContainerHandle c = e.openContainer("backups");
            byte[] data = TestData.random(1, 20_000_000);
            put(c, "a", data);
            assertThat(readAll(c, "a")).isEqualTo(data);
            long storedAfterFirst = e.groupStats("main").storedBytes();
            put(c, "b", data);
            assertThat(readAll(c, "b")).isEqualTo(data);
            Stats s = e.groupStats("main");
            assertThat(s.storedBytes()).isEqualTo(storedAfterFirst);
            assertThat(s.logicalBytes()).isEqualTo(40_000_000L);
            assertThat(s.dedupRatio()).isGreaterThan(1.95);
            assertThat(c.stat("a").orElseThrow().attributes()).containsEntry("k", "v");
        }
    }

    /**
     * A writer's buffer starts small and grows as its stream does: writes that end exactly where it
     * is full, and a flush there, leave nothing behind and store nothing twice.
     */
    @Test
    void writesEndingWhereTheGrowingBufferIsFullReadBackExact() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("main"));
            e.createContainer("main", new ContainerSpec("backups", "client", Map.of()));
            ContainerHandle c = e.openContainer("backups");
            int[] pieces = {128 << 10, 384 << 10, 1, 512 << 10, (1 << 20) - 1, 1 << 20, 3 << 20};
            int total = 0;
            for (int p : pieces) total += p;
            byte[] data = TestData.random(7, total);
            for (String name : new String[] {"edges", "again"}) {
                try (StreamWriter w = c.create(name)) {
                    int pos = 0;
                    for (int p : pieces) {
                        w.write(data, pos, p);
                        pos += p;
                        if (p == 1) w.flush();
                    }
                    w.commit(Map.of());
                }
                assertThat(readAll(c, name)).isEqualTo(data);
            }
            // the flush cut a chunk where it was; the same writes again are all found stored
            assertThat(e.groupStats("main").uniqueBytes()).isEqualTo(total);
        }
    }

    /** Deleting a group drops its fingerprint index by range, which the index's hash memtable must take. */
    @Test
    void aGroupThatHeldDataIsDeletedWithItsIndexAndAGroupAfterItStoresAfresh() {
        byte[] data = TestData.random(31, 3_000_000);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("old"));
            e.createContainer("old", new ContainerSpec("aaa", "s3", Map.of()));
            put(e.openContainer("aaa"), "x", data);
            e.deleteContainer("aaa");
            e.deleteGroup("old");
            assertThat(e.listGroups()).isEmpty();
            e.createGroup(StorageGroupSpec.of("new"));
            e.createContainer("new", new ContainerSpec("bbb", "s3", Map.of()));
            put(e.openContainer("bbb"), "x", data);
            // nothing deduplicated against the deleted group: every chunk stored again
            assertThat(e.groupStats("new").uniqueBytes()).isEqualTo(data.length);
            assertThat(readAll(e.openContainer("bbb"), "x")).isEqualTo(data);
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            assertThat(readAll(e.openContainer("bbb"), "x")).isEqualTo(data);
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
    }

    /**
     * A re-ingested stream has its boundaries predicted from what is stored (and every wrong prediction
     * re-cut by content): edited copies must read back exactly, and store about what content-defined
     * cutting alone stores, in whichever order the versions arrive.
     */
    @Test
    void predictedBoundariesReadBackExactAndDedupLikeSearchedOnes() {
        byte[] original = TestData.random(7, 24_000_000);
        byte[] edited = edit(original, new Random(8));
        long[] uniqueByOrder = new long[2];
        for (int order = 0; order < 2; order++) {
            try (Engine e = Engines.open(EngineConfig.defaults(dir.resolve("order" + order)))) {
                e.createGroup(StorageGroupSpec.of("main"));
                e.createContainer("main", new ContainerSpec("backups", "client", Map.of()));
                ContainerHandle c = e.openContainer("backups");
                byte[] first = order == 0 ? original : edited;
                byte[] second = order == 0 ? edited : original;
                put(c, "first", first);
                put(c, "second", second);
                long unique = e.groupStats("main").uniqueBytes();
                put(c, "again", first);
                put(c, "again2", second);
                assertThat(e.groupStats("main").uniqueBytes()).as("nothing new the second time").isEqualTo(unique);
                assertThat(readAll(c, "first")).isEqualTo(first);
                assertThat(readAll(c, "second")).isEqualTo(second);
                assertThat(readAll(c, "again")).isEqualTo(first);
                assertThat(readAll(c, "again2")).isEqualTo(second);
                uniqueByOrder[order] = unique;
            }
        }
        // both orders store the union of both versions' chunks; only re-cuts after wrong predictions differ
        assertThat((double) uniqueByOrder[0]).isCloseTo((double) uniqueByOrder[1],
                org.assertj.core.data.Percentage.withPercentage(1));
        assertThat(uniqueByOrder[0]).isLessThan(original.length + original.length / 10);
    }

    /** A copy with bytes flipped in place, runs inserted and runs deleted, at random places. */
    private static byte[] edit(byte[] data, Random r) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(data.length + 100_000);
        int pos = 0;
        while (pos < data.length) {
            int keep = Math.min(data.length - pos, 200_000 + r.nextInt(600_000));
            out.write(data, pos, keep);
            pos += keep;
            switch (r.nextInt(3)) {
                case 0 -> { // flip some bytes in place
                    int n = Math.min(data.length - pos, 1 + r.nextInt(64));
                    for (int i = 0; i < n; i++) out.write(data[pos + i] ^ 0x5a);
                    pos += n;
                }
                case 1 -> { // insert a run
                    byte[] run = TestData.random(r.nextLong(), 1 + r.nextInt(5000));
                    out.write(run, 0, run.length);
                }
                default -> pos += Math.min(data.length - pos, 1 + r.nextInt(5000)); // delete a run
            }
        }
        return out.toByteArray();
    }

    /** Small reads at random offsets (NFS, tape blocks, ranged GETs) of a stream stored in frames. */
    @Test
    void smallReadsAtRandomOffsetsOfAFramedStream() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("main", Compression.BEST, 0, null, null));
            e.createContainer("main", new ContainerSpec("backups", "client", Map.of()));
            ContainerHandle c = e.openContainer("backups");
            byte[] data = TestData.compressible(11, 6_000_000);
            put(c, "a", data);
            Random r = new Random(12);
            try (FileEntry f = c.openFile("a")) {
                for (int k = 0; k < 400; k++) {
                    int len = 1 + r.nextInt(k % 2 == 0 ? 4096 : 200_000);
                    int at = r.nextInt(data.length);
                    ByteBuffer b = ByteBuffer.allocate(len);
                    int n = f.read(at, b);
                    int want = Math.min(len, data.length - at);
                    assertThat(n).isEqualTo(want);
                    assertThat(java.util.Arrays.copyOf(b.array(), n)).isEqualTo(java.util.Arrays.copyOfRange(data, at, at + n));
                }
            }
        }
    }

    /** A stream assembled from others by reference (S3 multipart completion) reads back and outlives them. */
    @Test
    void copyByReferenceStoresNothingAndSurvivesTheSourcesBeingCleanedAway() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("main"));
            e.createContainer("main", new ContainerSpec("bucket", "s3", Map.of()));
            ContainerHandle c = e.openContainer("bucket");
            byte[][] parts = {TestData.random(21, 5_000_000), TestData.compressible(22, 3_000_000), TestData.random(23, 777)};
            for (int i = 0; i < parts.length; i++) put(c, "part" + i, parts[i]);
            long stored = e.groupStats("main").storedBytes();
            byte[] head = TestData.random(24, 1000);
            java.io.ByteArrayOutputStream want = new java.io.ByteArrayOutputStream();
            want.writeBytes(head);
            try (StreamWriter w = c.create("whole")) {
                w.write(head, 0, head.length);
                for (int i = 0; i < parts.length; i++) {
                    w.writeCopyOf("part" + i);
                    want.writeBytes(parts[i]);
                }
                assertThatThrownBy(() -> w.writeCopyOf("no-such-part"))
                        .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.NOT_FOUND);
                assertThat(w.position()).isEqualTo(want.size());
                w.commit(Map.of());
            }
            assertThat(e.groupStats("main").storedBytes() - stored).as("only the head was stored").isLessThan(2_000);
            // a source cut inside a chunk: whole chunks by reference, the rest of the cut one as bytes
            try (FileEntry f = c.openFile("part1")) {
                f.truncate(1_234_567);
            }
            try (StreamWriter w = c.create("cut")) {
                w.writeCopyOf("part1");
                w.writeCopyOf("part2");
                w.commit(Map.of());
            }
            java.io.ByteArrayOutputStream cut = new java.io.ByteArrayOutputStream();
            cut.write(parts[1], 0, 1_234_567);
            cut.writeBytes(parts[2]);
            assertThat(readAll(c, "cut")).isEqualTo(cut.toByteArray());
            assertThat(readAll(c, "whole")).isEqualTo(want.toByteArray());
            for (int i = 0; i < parts.length; i++) c.delete("part" + i);
            e.clean(Progress.NONE);
            assertThat(readAll(c, "whole")).isEqualTo(want.toByteArray());
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
    }

    @Test
    void shiftedDataStillDedups() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("main"));
            e.createContainer("main", new ContainerSpec("backups", "client", Map.of()));
            ContainerHandle c = e.openContainer("backups");
            byte[] data = TestData.random(2, 8_000_000);
            put(c, "a", data);
            long before = e.groupStats("main").uniqueBytes();
            byte[] shifted = new byte[data.length + 1000];
            System.arraycopy(TestData.random(3, 1000), 0, shifted, 0, 1000);
            System.arraycopy(data, 0, shifted, 1000, data.length);
            put(c, "b", shifted);
            long added = e.groupStats("main").uniqueBytes() - before;
            assertThat(added).isLessThan(200_000);
            assertThat(readAll(c, "b")).isEqualTo(shifted);
        }
    }

    @Test
    void dataSurvivesRestartAndCompressionAndEncryptionWork() {
        byte[] data = TestData.compressible(4, 5_000_000);
        char[] pass = "correct horse battery".toCharArray();
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("secret", Compression.BEST, 0, ChunkingSpec.DEFAULT, pass));
            e.createContainer("secret", new ContainerSpec("vault", "s3", Map.of()));
            put(e.openContainer("vault"), "x", data);
            assertThat(e.groupStats("secret").compressionRatio()).isGreaterThan(2.0);
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            assertThat(e.group("secret").locked()).isTrue();
            ContainerHandle c = e.openContainer("vault");
            assertThatThrownBy(() -> readAll(c, "x")).isInstanceOf(EngineException.class)
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.LOCKED);
            assertThatThrownBy(() -> e.unlockGroup("secret", "wrong passphrase".toCharArray()))
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.ACCESS_DENIED);
            VerifyReport locked = e.verify(Progress.NONE);
            assertThat(locked.chunksChecksumOnly()).as("locked: checksums only, said so").isEqualTo(locked.chunksChecked()).isPositive();
            e.unlockGroup("secret", pass);
            assertThat(e.verify(Progress.NONE).chunksChecksumOnly()).isZero();
            assertThat(readAll(c, "x")).isEqualTo(data);
            e.changePassphrase("secret", pass, "another passphrase".toCharArray());
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.unlockGroup("secret", "another passphrase".toCharArray());
            assertThat(readAll(e.openContainer("vault"), "x")).isEqualTo(data);
        }
    }

    @Test
    void theHealthCheckPassesWhileOpenAndSaysClosedAfter() {
        Engine e = Engines.open(EngineConfig.defaults(dir));
        e.checkHealth();
        e.close();
        assertThatThrownBy(e::checkHealth).isInstanceOf(EngineException.class)
                .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.CLOSED);
    }

    @Test
    void uncommittedCreateIsInvisibleAndAbortKeepsOldVersion() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("main"));
            e.createContainer("main", new ContainerSpec("objs", "s3", Map.of()));
            ContainerHandle c = e.openContainer("objs");
            put(c, "k", new byte[] {1, 2, 3});
            StreamWriter w = c.create("k");
            w.write(TestData.random(5, 100_000), 0, 100_000);
            w.flush();
            assertThat(readAll(c, "k")).containsExactly(1, 2, 3);
            w.abort();
            assertThat(readAll(c, "k")).containsExactly(1, 2, 3);
        }
    }
}
