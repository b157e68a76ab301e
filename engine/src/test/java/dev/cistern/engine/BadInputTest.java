package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {
    @TempDir
    Path dir;

    private static EngineException.Reason reason(Runnable r) {
        try {
            r.run();
        } catch (EngineException e) {
            return e.reason();
        }
        throw new AssertionError("no EngineException");
    }

    /** A data directory of another layout is refused, not "recovered": its files stay as they were. */
    @Test
    void aDataDirectoryOfAnotherFormatIsRefusedAndLeftAlone() throws Exception {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("main"));
            e.createContainer("main", new ContainerSpec("bkp", "client", Map.of()));
            EngineRoundTripTest.put(e.openContainer("bkp"), "a", TestData.random(1, 300_000));
        }
        long files;
        try (var w = java.nio.file.Files.walk(dir.resolve("chunks"))) {
            files = w.filter(java.nio.file.Files::isRegularFile).count();
        }
        // what a directory written before the format was stamped looks like
        try (var meta = dev.cistern.engine.meta.MetaStore.open(dir.resolve("meta"))) {
            meta.delete(dev.cistern.engine.meta.MetaStore.Family.DEFAULT, "data-format".getBytes());
        }
        assertThatThrownBy(() -> Engines.open(EngineConfig.defaults(dir))).isInstanceOf(EngineException.class)
                .hasMessageContaining("data format")
                .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
        try (var w = java.nio.file.Files.walk(dir.resolve("chunks"))) {
            assertThat(w.filter(java.nio.file.Files::isRegularFile).count()).isEqualTo(files);
        }
    }

    @Test
    void invalidAndDuplicateNamesChangeNothing() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("main"));
            assertThat(reason(() -> e.createGroup(StorageGroupSpec.of("main")))).isEqualTo(EngineException.Reason.ALREADY_EXISTS);
            assertThat(reason(() -> e.createGroup(StorageGroupSpec.of("Bad Name")))).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
            assertThat(reason(() -> e.createGroup(new StorageGroupSpec("neg", Compression.FAST, -1, null, null))))
                    .isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
            assertThat(reason(() -> new ChunkingSpec(4096, 3000, 8192))).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
            assertThat(reason(() -> e.createGroup(new StorageGroupSpec("enc", Compression.FAST, 0, null, "short".toCharArray()))))
                    .isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
            e.createContainer("main", new ContainerSpec("box", "s3", Map.of()));
            assertThat(reason(() -> e.createContainer("main", new ContainerSpec("box", "nfs", Map.of()))))
                    .isEqualTo(EngineException.Reason.ALREADY_EXISTS);
            assertThat(reason(() -> e.createContainer("nope", new ContainerSpec("box2", "nfs", Map.of()))))
                    .isEqualTo(EngineException.Reason.NOT_FOUND);
            assertThat(reason(() -> e.deleteGroup("main"))).isEqualTo(EngineException.Reason.NOT_EMPTY);
            assertThat(reason(() -> e.openContainer("box").openFile("missing"))).isEqualTo(EngineException.Reason.NOT_FOUND);
            assertThat(reason(() -> e.openContainer("box").create(""))).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
            assertThat(e.listGroups()).extracting(StorageGroupInfo::name).containsExactly("main");
            assertThat(e.listContainers(null)).extracting(ContainerInfo::name).containsExactly("box");
        }
    }

    /** Writers racing for the last of a quota cannot all pass the check and store together past it. */
    @Test
    void concurrentWritersStayWithinTheQuota() throws Exception {
        long quota = 4_000_000;
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("small", Compression.NONE, quota, null, null));
            e.createContainer("small", new ContainerSpec("box", "client", Map.of()));
            ContainerHandle c = e.openContainer("box");
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<Thread> writers = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = 100 + t;
                writers.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        TestData.store(c, "w" + seed, TestData.random(seed, 3_000_000));
                    } catch (EngineException | InterruptedException refused) {
                        // the quota refuses most of them
                    }
                }));
            }
            go.countDown();
            for (Thread w : writers) w.join();
            assertThat(e.groupStats("small").storedBytes()).isLessThanOrEqualTo(quota);
        }
    }

    @Test
    void exhaustedQuotaGivesAClearErrorAndLosesNothingStored() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("small", Compression.NONE, 3_000_000, null, null));
            e.createContainer("small", new ContainerSpec("box", "client", Map.of()));
            ContainerHandle c = e.openContainer("box");
            byte[] first = TestData.random(1, 2_000_000);
            EngineRoundTripTest.put(c, "first", first);
            assertThatThrownBy(() -> EngineRoundTripTest.put(c, "second", TestData.random(2, 2_000_000)))
                    .isInstanceOf(EngineException.class).hasMessageContaining("quota")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.QUOTA_EXCEEDED);
            assertThat(c.stat("second")).isEmpty();
            assertThat(EngineRoundTripTest.readAll(c, "first")).isEqualTo(first);
            // raising the quota lets writes continue
            e.updateGroup("small", null, 10_000_000L);
            EngineRoundTripTest.put(c, "second", TestData.random(2, 2_000_000));
            try (BlockVolume v = c.createVolume("lun", 1 << 20, 512, false)) {
                e.updateGroup("small", null, 1L);
                assertThat(reason(() -> v.write(0, ByteBuffer.wrap(TestData.random(3, 65536)), true)))
                        .isEqualTo(EngineException.Reason.QUOTA_EXCEEDED);
            }
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
    }
    /**
     * A writer whose store failed (here: the quota) refuses everything after it but abort and close:
     * the bytes of the failed segment are gone from its stream, so a later write and flush would
     * otherwise publish the stream with a gap where they were, and every byte after it misplaced.
     */
    @Test
    void aWriterWhoseStoreFailedWritesNothingMore() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("small", Compression.NONE, 3_000_000, null, null));
            e.createContainer("small", new ContainerSpec("box", "client", Map.of()));
            ContainerHandle c = e.openContainer("box");
            byte[] stored = TestData.random(1, 1_000_000);
            EngineRoundTripTest.put(c, "stored", stored);
            EngineRoundTripTest.put(c, "log", stored);
            StreamWriter w = c.append("log");
            // far past the quota: the store of some segment fails, seen by a later write or the flush
            EngineException failed = null;
            try {
                w.write(TestData.random(2, 6_000_000), 0, 6_000_000);
                w.flush();
            } catch (EngineException ex) {
                failed = ex;
            }
            assertThat(failed).isNotNull();
            assertThat(failed.reason()).isEqualTo(EngineException.Reason.QUOTA_EXCEEDED);
            // data already stored needs no quota, so only the writer itself can refuse these
            assertThat(reason(() -> w.write(stored, 0, stored.length))).isEqualTo(EngineException.Reason.QUOTA_EXCEEDED);
            assertThat(reason(w::flush)).isEqualTo(EngineException.Reason.QUOTA_EXCEEDED);
            w.abort();
            w.close();
            long size = c.stat("log").orElseThrow().size();
            assertThat(size).isLessThanOrEqualTo(7_000_000L);
            byte[] log = EngineRoundTripTest.readAll(c, "log");
            assertThat(java.util.Arrays.copyOf(log, stored.length)).isEqualTo(stored);
            // what the engine published on its own past the first copy is the start of the failed write
            assertThat(java.util.Arrays.copyOfRange(log, stored.length, log.length))
                    .isEqualTo(java.util.Arrays.copyOf(TestData.random(2, 6_000_000), log.length - stored.length));
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
    }

    /**
     * A copy by reference that fails part way (a chunk of the source gone from the index after the first
     * batch of its steps was taken) leaves the writer failed like a lost segment: its position stayed
     * before the copy while those steps are in the stream, so what came next overlapped them and a
     * commit published a stream of the right size with the wrong bytes.
     */
    @Test
    void aCopyByReferenceThatFailsPartWayLeavesAWriterThatTakesNothingMore() {
        byte[] src = TestData.random(1, 1_500_000);
        byte[] head = TestData.random(2, 10_000);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            // small chunks: the source has more steps than one batch of the copy (4096)
            e.createGroup(new StorageGroupSpec("grp", Compression.FAST, 0, new ChunkingSpec(64, 128, 1024), null));
            e.createContainer("grp", new ContainerSpec("box", "client", Map.of()));
            ContainerHandle c = e.openContainer("box");
            TestData.store(c, "src", src);
            TestData.store(c, "log", head);
        }
        unindexChunkOfStep("src", 4500);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            ContainerHandle c = e.openContainer("box");
            for (boolean creating : new boolean[] {true, false}) {
                StreamWriter w = creating ? c.create("copy") : c.append("log");
                w.write(head, 0, head.length);
                assertThat(reason(() -> w.writeCopyOf("src"))).isEqualTo(EngineException.Reason.DAMAGED);
                assertThat(reason(() -> w.write(head, 0, head.length))).isEqualTo(EngineException.Reason.DAMAGED);
                assertThat(reason(w::flush)).isEqualTo(EngineException.Reason.DAMAGED);
                assertThat(reason(() -> w.commit(Map.of()))).isEqualTo(EngineException.Reason.DAMAGED);
                w.abort();
                w.close();
            }
            assertThat(c.stat("copy")).isEmpty();
            assertThat(EngineRoundTripTest.readAll(c, "log")).isEqualTo(head);
            // a copy that fails before it takes anything leaves the writer as it was
            try (StreamWriter w = c.create("copy")) {
                w.write(head, 0, head.length);
                assertThat(reason(() -> w.writeCopyOf("missing"))).isEqualTo(EngineException.Reason.NOT_FOUND);
                w.write(head, 0, head.length);
                w.commit(Map.of());
            }
            byte[] twice = java.util.Arrays.copyOf(head, 2 * head.length);
            System.arraycopy(head, 0, twice, head.length, head.length);
            assertThat(EngineRoundTripTest.readAll(c, "copy")).isEqualTo(twice);
        }
    }

    /** Takes the chunk of step {@code step} of entry {@code name} out of the index and its listing, as a clean would. */
    private void unindexChunkOfStep(String name, int step) {
        try (var meta = dev.cistern.engine.meta.MetaStore.open(dir.resolve("meta"))) {
            long group;
            try (var sc = meta.scan(Family.GROUPS, new byte[0])) {
                assertThat(sc.next()).isTrue();
                group = Keys.longAt(sc.key(), 0);
            }
            byte[] fp = null;
            int seen = 0;
            // the only stream with that many steps is the source
            try (var sc = meta.scan(Family.RECIPES, new byte[0])) {
                while (fp == null && sc.next()) {
                    byte[] v = sc.value();
                    for (int i = 0; i < v.length && fp == null; i += 36) {
                        if (seen++ == step) fp = java.util.Arrays.copyOfRange(v, i, i + 32);
                    }
                }
            }
            assertThat(fp).as(name + " has more than " + step + " steps").isNotNull();
            byte[] indexKey = ByteBuffer.allocate(8 + 32).putLong(group).put(fp).array();
            assertThat(meta.get(Family.INDEX, indexKey)).isNotNull();
            meta.delete(Family.INDEX, indexKey);
            List<byte[]> listed = new java.util.ArrayList<>();
            try (var sc = meta.scan(Family.CONTAINER_CHUNKS, Keys.id(group))) {
                while (sc.next()) {
                    if (java.util.Arrays.equals(java.util.Arrays.copyOf(sc.value(), 32), fp)) listed.add(sc.key().clone());
                }
            }
            assertThat(listed).hasSize(1);
            meta.delete(Family.CONTAINER_CHUNKS, listed.get(0));
        }
    }
}
