package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever becomes unreachable (overwritten, unmapped, truncated, deleted, never committed) comes back
 * at the next clean: once the last reachable data is gone too, the group holds nothing.
 */
class SpaceReclamationTest {
    @TempDir
    Path dir;

    private static EngineConfig config(Path dir) {
        return EngineConfig.defaults(dir).withContainerSize(256 * 1024);
    }

    private static Engine open(Path dir) {
        Engine e = Engines.open(config(dir));
        return e;
    }

    private static void assertEmpty(Engine e, String when) {
        Stats s = e.groupStats("grp");
        assertThat(s.chunkCount()).as("chunks " + when).isZero();
        assertThat(s.storedBytes()).as("stored bytes " + when).isZero();
        assertThat(s.uniqueBytes()).as("unique bytes " + when).isZero();
        assertThat(s.logicalBytes()).as("logical bytes " + when).isZero();
    }

    @Test
    void overwrittenUnmappedAndShrunkVolumeBlocksAreReclaimed() {
        try (Engine e = open(dir)) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("luns", "iscsi", Map.of()));
            ContainerHandle c = e.openContainer("luns");
            int unit;
            byte[] keep = TestData.random(9, 1 << 20);
            try (BlockVolume v = c.createVolume("lun-0", 16L << 20, 512, false)) {
                unit = v.allocationUnit();
                v.write(0, ByteBuffer.wrap(TestData.random(1, 8 << 20)), false);
                v.flush();
                v.write(0, ByteBuffer.wrap(keep), false); // overwritten
                v.unmap(1 << 20, 3 << 20);                // unmapped
                v.write(4L << 20, ByteBuffer.wrap(TestData.random(2, 4 << 20)), false);
                v.flush();
                v.resize(2L << 20);                       // the rest dropped
            }
            e.clean(Progress.NONE);
            try (BlockVolume v = c.openVolume("lun-0")) {
                assertThat(TestData.read(v, 0, keep.length)).isEqualTo(keep);
                assertThat(TestData.read(v, 1 << 20, 1 << 20)).containsOnly(0);
            }
            Stats s = e.groupStats("grp");
            assertThat(s.storedBytes()).as("stored after clean: only the 1 MiB still mapped").isBetween((long) keep.length, keep.length + 64L * 1024);
            assertThat(s.chunkCount()).isEqualTo(keep.length / unit);
            c.delete("lun-0");
            e.clean(Progress.NONE);
            assertEmpty(e, "after the volume was deleted");
        }
    }

    @Test
    void aVolumeDeletedWhileOpenWithUnflushedWritesLeavesNothing() {
        try (Engine e = open(dir)) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("luns", "iscsi", Map.of()));
            ContainerHandle c = e.openContainer("luns");
            try (BlockVolume v = c.createVolume("lun-0", 16L << 20, 512, false)) {
                v.write(0, ByteBuffer.wrap(TestData.random(1, 2 << 20)), false);
                v.flush();
                v.write(4L << 20, ByteBuffer.wrap(TestData.random(2, 2 << 20)), false); // never flushed
                c.delete("lun-0"); // the LUN is removed while an initiator still has it open
                e.clean(Progress.NONE);
                assertEmpty(e, "after the open volume was deleted");
            }
        }
    }

    /**
     * An open volume (a LUN in use) does not keep its chunk container from the cleaner: what its
     * overwrites left dead is reclaimed while it stays open, and so is everything once it is deleted.
     */
    @Test
    void overwrittenBlocksOfAVolumeStillOpenAreReclaimed() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("luns", "iscsi", Map.of()));
            ContainerHandle c = e.openContainer("luns");
            byte[] keep = TestData.random(2, 512 << 10);
            try (BlockVolume v = c.createVolume("lun-0", 16L << 20, 512, false)) {
                v.write(0, ByteBuffer.wrap(TestData.random(1, 512 << 10)), false);
                v.flush();
                v.write(0, ByteBuffer.wrap(keep), false);
                v.flush();
                e.clean(Progress.NONE);
                assertThat(e.groupStats("grp").uniqueBytes()).as("unique bytes, volume open").isEqualTo(keep.length);
                assertThat(TestData.read(v, 0, keep.length)).isEqualTo(keep);
                c.delete("lun-0");
                e.clean(Progress.NONE);
                assertEmpty(e, "after the open volume was deleted");
            }
        }
    }

    @Test
    void rewrittenTruncatedAndAbortedStreamsAreReclaimed() {
        try (Engine e = open(dir)) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("files", "nfs", Map.of()));
            ContainerHandle c = e.openContainer("files");
            EngineRoundTripTest.put(c, "f", TestData.random(1, 4 << 20));
            try (FileEntry f = c.openFile("f")) {
                f.write(1 << 20, ByteBuffer.wrap(TestData.random(2, 1 << 20)));
                f.truncate(3 << 20);
                f.truncate(1 << 20);
            }
            try (StreamWriter w = c.create("never")) {
                w.write(TestData.random(3, 3 << 20), 0, 3 << 20);
                w.flush();
            } // closed without commit: aborted
            try (StreamWriter w = c.append("f")) {
                w.write(TestData.random(4, 2 << 20), 0, 2 << 20);
                w.commit(null);
            }
            try (FileEntry f = c.openFile("f")) {
                f.truncate(0);
            }
            c.copy("f", "g");
            e.clean(Progress.NONE);
            assertEmpty(e, "after everything was truncated away");
            c.delete("f");
            c.delete("g");
            e.clean(Progress.NONE);
            assertEmpty(e, "after the entries were deleted");
        }
    }

    /**
     * A chunk is counted in the stats of the container that stored it first. Once that container is
     * deleted and cleaned, the chunks another container still uses must count there: the containers'
     * figures add up to the group's.
     */
    @Test
    void containerStatsAddUpToTheGroupAfterTheFirstOwnerIsDeleted() {
        try (Engine e = open(dir)) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("first", "client", Map.of()));
            e.createContainer("grp", new ContainerSpec("second", "client", Map.of()));
            byte[] shared = TestData.random(1, 2 << 20);
            EngineRoundTripTest.put(e.openContainer("first"), "x", shared);
            EngineRoundTripTest.put(e.openContainer("first"), "only-first", TestData.random(2, 1 << 20));
            EngineRoundTripTest.put(e.openContainer("second"), "x", shared);
            e.deleteContainer("first");
            e.clean(Progress.NONE);
            Stats g = e.groupStats("grp");
            Stats c = e.containerStats("second");
            assertThat(g.storedBytes()).isBetween((long) shared.length, shared.length + 64L * 1024);
            assertThat(c.chunkCount()).as("chunks counted for the container left").isEqualTo(g.chunkCount());
            assertThat(c.storedBytes()).as("stored bytes counted for the container left").isEqualTo(g.storedBytes());
            assertThat(c.uniqueBytes()).as("unique bytes counted for the container left").isEqualTo(g.uniqueBytes());
        }
        try (Engine e = open(dir)) {
            Stats g = e.groupStats("grp");
            Stats c = e.containerStats("second");
            assertThat(c.chunkCount()).as("chunks of the container left, after a restart").isEqualTo(g.chunkCount());
            assertThat(c.storedBytes()).as("stored bytes of the container left, after a restart").isEqualTo(g.storedBytes());
            e.openContainer("second").delete("x");
            e.clean(Progress.NONE);
            assertEmpty(e, "after the last reference was deleted");
            assertThat(e.containerStats("second").chunkCount()).isZero();
            assertThat(e.containerStats("second").storedBytes()).isZero();
        }
    }

    /** What a kill -9 leaves unfinished (staging entries, unflushed writes) is gone after restart and clean. */
    @Test
    void unfinishedWorkOfAKilledEngineIsReclaimedAfterRestart() throws Exception {
        Path out = dir.resolve("child.out");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-Djava.io.tmpdir=" + dir,
                "-cp", System.getProperty("java.class.path"), LeftoverWorker.class.getName(), dir.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(out) && Files.readString(out).contains("READY")) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(out)).contains("READY");
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
        try (Engine e = open(dir.resolve("data"))) {
            ContainerHandle c = e.openContainer("box");
            assertThat(c.stat("staging")).isEmpty();
            c.delete("committed");
            c.delete("vol");
            e.clean(Progress.NONE);
            assertEmpty(e, "after a restart, deleting what was committed, and a clean");
        }
    }
}
