package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import dev.cistern.engine.testing.SmallDisk;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory on a small file system (a 160 MiB tmpfs, mounted by the test: it needs root, as in
 * CI): writing until the disk is full gives NO_SPACE with a clear message, everything committed before
 * still reads back, and deleting and cleaning makes room again.
 */
class DiskFullTest {
    @TempDir
    Path tmp;
    SmallDisk disk;
    Path mnt;

    @BeforeEach
    void mount() throws Exception {
        disk = new SmallDisk(tmp.resolve("small"), 160);
        mnt = disk.root;
    }

    @AfterEach
    void unmount() throws Exception {
        disk.close();
    }

    @Test
    void fullDiskGivesAClearErrorAndLosesNothing() {
        List<String> stored = new ArrayList<>();
        try (Engine e = Engines.open(EngineConfig.defaults(mnt.resolve("data")))) {
            e.createGroup(new StorageGroupSpec("grp", Compression.NONE, 0, null, null));
            e.createContainer("grp", new ContainerSpec("box", "client", Map.of()));
            ContainerHandle c = e.openContainer("box");
            EngineException full = null;
            for (int i = 0; i < 40 && full == null; i++) {
                try {
                    EngineRoundTripTest.put(c, "f" + i, TestData.random(i, 8_000_000));
                    stored.add("f" + i);
                } catch (EngineException ex) {
                    full = ex;
                }
            }
            assertThat(full).isNotNull();
            assertThat(full.reason()).isEqualTo(EngineException.Reason.NO_SPACE);
            assertThat(full.getMessage()).contains("full");
            assertThat(stored).isNotEmpty();
            for (String name : stored) {
                int i = Integer.parseInt(name.substring(1));
                assertThat(EngineRoundTripTest.readAll(c, name)).as(name).isEqualTo(TestData.random(i, 8_000_000));
            }
            for (String name : stored.subList(0, stored.size() / 2 + 1)) c.delete(name);
            e.clean(Progress.NONE);
            EngineRoundTripTest.put(c, "again", TestData.random(99, 8_000_000));
            assertThat(EngineRoundTripTest.readAll(c, "again")).isEqualTo(TestData.random(99, 8_000_000));
        }
    }

    @Test
    void closingOnAFullDiskLeavesNoFileOpen() throws Exception {
        try (Engine e = Engines.open(EngineConfig.defaults(mnt.resolve("data")))) {
            e.createGroup(new StorageGroupSpec("grp", Compression.NONE, 0, null, null));
            e.createContainer("grp", new ContainerSpec("box", "client", Map.of()));
            ContainerHandle c = e.openContainer("box");
            EngineRoundTripTest.put(c, "f", TestData.random(1, 1_000_000)); // its container stays open, unsealed
            disk.fill(0); // another program takes the rest: sealing it at close cannot write the trailer
        }
        assertThat(disk.heldOpen()).isEmpty();
    }

    /**
     * A chunk container whose seal failed on a full disk is sealed by a later clean once there is room, so its
     * dead records are reclaimed while the server runs: it had been left out of both the idle writers and the
     * seals in flight, unsealed until a restart, which the cleaner never sweeps.
     */
    @Test
    void aContainerWhoseSealFailedIsSealedAndSweptOnceThereIsRoom() throws Exception {
        try (Engine e = Engines.open(EngineConfig.defaults(mnt.resolve("data")))) {
            e.createGroup(new StorageGroupSpec("grp", Compression.NONE, 0, null, null));
            e.createContainer("grp", new ContainerSpec("box", "client", Map.of()));
            ContainerHandle c = e.openContainer("box");
            EngineRoundTripTest.put(c, "f", TestData.random(1, 1_000_000)); // its container stays open, unsealed
            Path fill = disk.fill(0);
            assertThatThrownBy(() -> e.clean(Progress.NONE)).isInstanceOf(EngineException.class); // cannot seal it
            java.nio.file.Files.delete(fill);
            c.delete("f");
            awaitHealthy(e);
            e.clean(Progress.NONE);
            assertThat(e.groupStats("grp").storedBytes()).isZero();
            try (var files = java.nio.file.Files.walk(mnt.resolve("data").resolve("chunks"))) {
                assertThat(files.filter(f -> f.toString().endsWith(".ccf")).toList()).isEmpty();
            }
        }
    }

    /** Waits for RocksDB to resume writes by itself after the disk had room again (a few seconds). */
    private static void awaitHealthy(Engine e) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            try {
                e.checkHealth();
                return;
            } catch (EngineException notYet) {
                if (System.nanoTime() > deadline) throw notYet;
                Thread.sleep(200);
            }
        }
    }

    /**
     * A metadata write that meets a full disk stops RocksDB's writes (a background error); RocksDB resumes
     * them by itself once there is room (RocksJava offers no resume()), so the engine needs no reopen: the
     * server's health check calls it degraded meanwhile, not down (a restart could not make room).
     */
    @Test
    void metadataWritesRefusedOnAFullDiskResumeByThemselvesOnceThereIsRoom() throws Exception {
        try (Engine e = Engines.open(EngineConfig.defaults(mnt.resolve("data")))) {
            e.createGroup(new StorageGroupSpec("vault", Compression.NONE, 0, null, "old-passphrase-1".toCharArray()));
            e.createContainer("vault", new ContainerSpec("box", "client", Map.of()));
            ContainerHandle c = e.openContainer("box");
            EngineRoundTripTest.put(c, "f", TestData.random(1, 1_000_000));
            Path first = disk.fill(0);
            // purging the old wrapped key flushes RocksDB, which gives up the room its log had set aside
            e.changePassphrase("vault", "old-passphrase-1".toCharArray(), "new-passphrase-2".toCharArray());
            Path second = disk.fill(0);
            EngineException full = null;
            try {
                e.createContainer("vault", new ContainerSpec("box2", "client", Map.of()));
            } catch (EngineException ex) {
                full = ex;
            }
            assertThat(full).as("a metadata write on a disk with no byte free").isNotNull();
            assertThat(full.reason()).isEqualTo(EngineException.Reason.NO_SPACE);
            assertThatThrownBy(e::checkHealth).isInstanceOf(EngineException.class)
                    .extracting(x -> ((EngineException) x).reason()).isEqualTo(EngineException.Reason.NO_SPACE);
            assertThat(EngineRoundTripTest.readAll(c, "f")).isEqualTo(TestData.random(1, 1_000_000));
            java.nio.file.Files.delete(second);
            java.nio.file.Files.delete(first);
            awaitHealthy(e);
            EngineRoundTripTest.put(c, "g", TestData.random(2, 1_000_000));
            assertThat(EngineRoundTripTest.readAll(c, "g")).isEqualTo(TestData.random(2, 1_000_000));
        }
    }
}
