package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.chunking.FastCdc;
import dev.cistern.engine.crypto.DataKey;
import dev.cistern.engine.crypto.KeyWrap;
import dev.cistern.engine.meta.GroupRecord;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A group created encrypted keys its chunk ids and boundaries: whoever has the data directory but not the
 * passphrase cannot hash the chunks of a file they know and find them stored. Groups created before keep
 * plain SHA-256 ids and the public chunker, unchanged.
 */
class KeyedChunkIdsTest {
    private static final char[] PASS = "correct horse battery".toCharArray();
    private static final char[] NEW_PASS = "another long passphrase".toCharArray();

    @TempDir
    Path dir;

    /** One step of a recipe: where a chunk starts in its entry, its id as stored, its length. */
    record Step(long entryId, long offset, ByteBuffer id, int length) {
    }

    @Test
    void noPlainSha256OfAStoredChunkIsAnywhereInTheDataDirectory() throws Exception {
        byte[] data = TestData.random(11, 3_000_000);
        Path keyedDir = dir.resolve("keyed");
        writeOne(keyedDir, PASS, data);
        List<Step> steps = steps(keyedDir);
        assertThat(steps.stream().mapToInt(Step::length).sum()).isEqualTo(data.length);

        Set<ByteBuffer> storedChunksSha = new HashSet<>();
        for (Step s : steps) storedChunksSha.add(sha256(data, (int) s.offset(), s.length()));
        // what someone holding the same file computes without the key: the public chunker's cuts, hashed
        List<int[]> publicCuts = publicCuts(data);
        Set<ByteBuffer> attackerSha = new HashSet<>();
        for (int[] c : publicCuts) attackerSha.add(sha256(data, c[0], c[1]));

        Set<ByteBuffer> ids = new HashSet<>();
        for (Step s : steps) ids.add(s.id());
        assertThat(filesContainingAny(keyedDir, ids)).as("the scan finds the ids stored, in containers and metadata")
                .anyMatch(p -> p.toString().endsWith(".ccf")).anyMatch(p -> p.startsWith(keyedDir.resolve("meta")));
        assertThat(filesContainingAny(keyedDir, storedChunksSha)).as("SHA-256 of the chunks stored").isEmpty();
        assertThat(filesContainingAny(keyedDir, attackerSha)).as("SHA-256 of the public chunker's chunks").isEmpty();

        // boundaries: those of the keyed group are not the public chunker's
        Set<Long> keyedEnds = new TreeSet<>();
        for (Step s : steps) keyedEnds.add(s.offset() + s.length());
        Set<Long> publicEnds = new TreeSet<>();
        for (int[] c : publicCuts) publicEnds.add((long) c[0] + c[1]);
        Set<Long> shared = new HashSet<>(keyedEnds);
        shared.retainAll(publicEnds);
        assertThat(shared.size()).as("boundaries shared with the public chunker (the end of the data is one)")
                .isLessThan(keyedEnds.size() / 10);

        // the same data in an unencrypted group: its chunks' SHA-256 are there, where the scan above looked
        Path plainDir = dir.resolve("plain");
        writeOne(plainDir, null, data);
        assertThat(filesContainingAny(plainDir, attackerSha)).as("an unencrypted group stores plain SHA-256 ids").isNotEmpty();

        assertThat(dataFormat(keyedDir)).as("stamped: versions before keyed ids refuse it").isEqualTo(4);
        assertThat(dataFormat(plainDir)).as("no keyed group, no new stamp").isEqualTo(3);
    }

    @Test
    void aKeyedGroupDedupsReadsBackAfterRestartAndVerifies() throws Exception {
        byte[] data = TestData.compressible(12, 2_500_000);
        byte[] block = TestData.random(13, 64 * 1024);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("secret", Compression.FAST, 0, ChunkingSpec.DEFAULT, PASS));
            e.createContainer("secret", new ContainerSpec("vault", "client", Map.of()));
            ContainerHandle c = e.openContainer("vault");
            EngineRoundTripTest.put(c, "a", data);
            Stats first = e.groupStats("secret");
            EngineRoundTripTest.put(c, "b", data);
            Stats second = e.groupStats("secret");
            assertThat(second.chunkCount()).as("the second copy stores no chunk").isEqualTo(first.chunkCount());
            assertThat(second.storedBytes()).isEqualTo(first.storedBytes());
            // the random-access file and volume paths take keyed ids too
            try (FileEntry f = c.openFile("a")) {
                f.write(1_000_000, ByteBuffer.wrap(block));
            }
            try (BlockVolume v = c.createVolume("lun", 1 << 20, 4096, false)) {
                v.write(8192, ByteBuffer.wrap(block), true);
            }
        }
        byte[] edited = data.clone();
        System.arraycopy(block, 0, edited, 1_000_000, block.length);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            ContainerHandle c = e.openContainer("vault");
            assertThatThrownBy(() -> TestData.store(c, "locked", data)).as("a locked group takes no writes")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.LOCKED);
            VerifyReport locked = e.verify(Progress.NONE);
            assertThat(locked.clean()).as("locked: nothing reported damaged " + locked).isTrue();
            assertThat(locked.chunksChecksumOnly()).as("locked: ids not checked").isEqualTo(locked.chunksChecked()).isPositive();

            e.unlockGroup("secret", PASS);
            assertThat(TestData.readAll(c, "a")).isEqualTo(edited);
            assertThat(TestData.readAll(c, "b")).isEqualTo(data);
            try (BlockVolume v = c.openVolume("lun")) {
                assertThat(TestData.read(v, 8192, block.length)).isEqualTo(block);
            }
            VerifyReport unlocked = e.verify(Progress.NONE);
            assertThat(unlocked.clean()).as(unlocked.toString()).isTrue();
            assertThat(unlocked.chunksChecksumOnly()).isZero();
            long chunks = e.groupStats("secret").chunkCount();
            EngineRoundTripTest.put(c, "c", data);
            assertThat(e.groupStats("secret").chunkCount()).as("dedup against data stored before the restart").isEqualTo(chunks);
        }
        flipAByteInTheFirstRecordOfEachContainer();
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.unlockGroup("secret", PASS);
            VerifyReport v = e.verify(Progress.NONE);
            assertThat(v.damagedChunks()).isPositive();
            assertThat(v.damagedEntries()).isNotEmpty();
        }
    }

    @Test
    void aPassphraseChangeKeepsTheIdsAndDedupAgainstDataStoredBefore() throws Exception {
        byte[] data = TestData.random(14, 1_500_000);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("secret", Compression.FAST, 0, ChunkingSpec.DEFAULT, PASS));
            e.createContainer("secret", new ContainerSpec("vault", "client", Map.of()));
            TestData.store(e.openContainer("vault"), "before", data);
        }
        Set<ByteBuffer> idsBefore = ids(steps(dir));
        long chunks;
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.changePassphrase("secret", PASS, NEW_PASS);
            chunks = e.groupStats("secret").chunkCount();
            TestData.store(e.openContainer("vault"), "same-session", data);
            assertThat(e.groupStats("secret").chunkCount()).isEqualTo(chunks);
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            assertThatThrownBy(() -> e.unlockGroup("secret", PASS))
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.ACCESS_DENIED);
            e.unlockGroup("secret", NEW_PASS);
            ContainerHandle c = e.openContainer("vault");
            TestData.store(c, "after-restart", data);
            assertThat(e.groupStats("secret").chunkCount()).as("no chunk stored again").isEqualTo(chunks);
            assertThat(TestData.readAll(c, "before")).isEqualTo(data);
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
        assertThat(ids(steps(dir))).as("every entry's ids are those stored before the change").isEqualTo(idsBefore);
    }

    /**
     * An encrypted group created before keyed ids (its record without the scheme, its data key wrapped
     * alone) and an unencrypted one keep plain SHA-256 ids and the public chunker: they dedup against
     * what they stored, read back and verify, and their records are not rewritten.
     */
    @Test
    void groupsCreatedBeforeKeepPlainSha256IdsAndWorkAsBefore() throws Exception {
        byte[] data = TestData.random(15, 2_000_000);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("old-secret")); // made encrypted the old way below
            e.createGroup(StorageGroupSpec.of("open"));
        }
        byte[] oldRecord = asWrittenBeforeKeyedIds("old-secret");
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.unlockGroup("old-secret", PASS);
            e.createContainer("old-secret", new ContainerSpec("vault", "client", Map.of()));
            e.createContainer("open", new ContainerSpec("share", "client", Map.of()));
            TestData.store(e.openContainer("vault"), "a", data);
            TestData.store(e.openContainer("share"), "a", data);
        }
        Set<ByteBuffer> plainIds = new HashSet<>();
        for (int[] c : publicCuts(data)) plainIds.add(sha256(data, c[0], c[1]));
        assertThat(ids(steps(dir))).as("both groups: SHA-256 of the public chunker's chunks").isEqualTo(plainIds);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.unlockGroup("old-secret", PASS);
            for (String[] gc : new String[][] {{"old-secret", "vault"}, {"open", "share"}}) {
                ContainerHandle c = e.openContainer(gc[1]);
                long chunks = e.groupStats(gc[0]).chunkCount();
                TestData.store(c, "b", data);
                assertThat(e.groupStats(gc[0]).chunkCount()).as(gc[0] + ": dedup").isEqualTo(chunks);
                assertThat(TestData.readAll(c, "a")).isEqualTo(data);
            }
            VerifyReport v = e.verify(Progress.NONE);
            assertThat(v.clean()).as(v.toString()).isTrue();
            assertThat(v.chunksChecksumOnly()).isZero();
        }
        assertThat(groupRecordBytes("old-secret")).as("the old group's record, untouched").isEqualTo(oldRecord);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.changePassphrase("old-secret", PASS, NEW_PASS);
            long chunks = e.groupStats("old-secret").chunkCount();
            TestData.store(e.openContainer("vault"), "c", data);
            assertThat(e.groupStats("old-secret").chunkCount()).as("plain ids after a passphrase change").isEqualTo(chunks);
        }
        assertThat(groupRecord("old-secret").ids()).isEqualTo(GroupRecord.ChunkIdScheme.SHA256);
        assertThat(ids(steps(dir))).isEqualTo(plainIds);
        assertThat(dataFormat(dir)).as("still readable by the versions before keyed ids").isEqualTo(3);
    }

    @Test
    void twoKeyedGroupsGiveTheSameDataDifferentIdsAndBoundaries() throws Exception {
        byte[] data = TestData.random(16, 1_000_000);
        writeOne(dir.resolve("one"), PASS, data);
        writeOne(dir.resolve("two"), PASS, data);
        List<Step> one = steps(dir.resolve("one"));
        List<Step> two = steps(dir.resolve("two"));
        Set<ByteBuffer> common = ids(one);
        common.retainAll(ids(two));
        assertThat(common).isEmpty();
        assertThat(one.stream().map(Step::length).toList()).isNotEqualTo(two.stream().map(Step::length).toList());
    }

    // ---- helpers

    /** Stores {@code data} as the one entry of a new data directory, in a group encrypted under {@code pass} (or not). */
    private static void writeOne(Path dataDir, char[] pass, byte[] data) {
        try (Engine e = Engines.open(EngineConfig.defaults(dataDir))) {
            e.createGroup(new StorageGroupSpec("grp", Compression.FAST, 0, ChunkingSpec.DEFAULT, pass));
            e.createContainer("grp", new ContainerSpec("box", "client", Map.of()));
            TestData.store(e.openContainer("box"), "f", data);
        }
    }

    /** Every recipe step of a closed data directory, by entry and offset. */
    private static List<Step> steps(Path dataDir) {
        List<Step> out = new ArrayList<>();
        try (MetaStore meta = MetaStore.open(dataDir.resolve("meta")); Scanner sc = meta.scan(Family.RECIPES, new byte[0])) {
            while (sc.next()) {
                long entry = Keys.longAt(sc.key(), 0);
                long offset = Keys.longAt(sc.key(), 8);
                byte[] v = sc.value();
                for (int i = 0; i < v.length; i += 36) {
                    int len = Keys.intAt(v, i + 32);
                    out.add(new Step(entry, offset, ByteBuffer.wrap(Arrays.copyOfRange(v, i, i + 32)), len));
                    offset += len;
                }
            }
        }
        return out;
    }

    private static Set<ByteBuffer> ids(List<Step> steps) {
        Set<ByteBuffer> s = new HashSet<>();
        for (Step st : steps) s.add(st.id());
        return s;
    }

    /** (offset, length) of the chunks the public (unkeyed) chunker cuts {@code data} into. */
    private static List<int[]> publicCuts(byte[] data) {
        FastCdc cdc = new FastCdc(ChunkingSpec.DEFAULT);
        List<int[]> out = new ArrayList<>();
        for (int pos = 0; pos < data.length; ) {
            int n = cdc.next(data, pos, data.length - pos, true);
            out.add(new int[] {pos, n});
            pos += n;
        }
        return out;
    }

    private static ByteBuffer sha256(byte[] data, int off, int len) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(data, off, len);
        return ByteBuffer.wrap(md.digest());
    }

    /** Files under {@code root} holding any of the 32-byte {@code needles} at any offset. */
    private static List<Path> filesContainingAny(Path root, Set<ByteBuffer> needles) throws IOException {
        Set<Long> prefixes = new HashSet<>();
        for (ByteBuffer n : needles) prefixes.add(n.getLong(0));
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                try {
                    ByteBuffer hay = ByteBuffer.wrap(Files.readAllBytes(p));
                    for (int i = 0; i + 32 <= hay.capacity(); i++) {
                        if (prefixes.contains(hay.getLong(i)) && needles.contains(hay.slice(i, 32))) return true;
                    }
                    return false;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }

    /**
     * Rewrites group {@code name}'s record as a version before keyed ids wrote that of an encrypted group:
     * a data key wrapped alone, no scheme byte at the end. Nothing is stored in the group yet.
     */
    private byte[] asWrittenBeforeKeyedIds(String name) {
        try (MetaStore meta = MetaStore.open(dir.resolve("meta"))) {
            GroupRecord r = groupRecord(meta, name);
            GroupRecord old = new GroupRecord(r.id(), r.name(), r.compression(), r.quotaBytes(), r.chunking(),
                    KeyWrap.wrap(DataKey.generate(), PASS), r.createdMillis(), GroupRecord.ChunkIdScheme.SHA256);
            byte[] encoded = old.encode();
            byte[] withoutScheme = Arrays.copyOf(encoded, encoded.length - 1);
            meta.put(Family.GROUPS, Keys.id(r.id()), withoutScheme, true);
            assertThat(GroupRecord.decode(withoutScheme).ids()).isEqualTo(GroupRecord.ChunkIdScheme.SHA256);
            return withoutScheme;
        }
    }

    private static long dataFormat(Path dataDir) {
        try (MetaStore meta = MetaStore.open(dataDir.resolve("meta"))) {
            return Keys.longAt(meta.get(Family.DEFAULT, "data-format".getBytes()), 0);
        }
    }

    private GroupRecord groupRecord(String name) {
        try (MetaStore meta = MetaStore.open(dir.resolve("meta"))) {
            return groupRecord(meta, name);
        }
    }

    private byte[] groupRecordBytes(String name) {
        try (MetaStore meta = MetaStore.open(dir.resolve("meta")); Scanner sc = meta.scan(Family.GROUPS, new byte[0])) {
            while (sc.next()) if (GroupRecord.decode(sc.value()).name().equals(name)) return sc.value();
        }
        throw new AssertionError("no group " + name);
    }

    /**
     * The header of a record (codec, lengths, count, fingerprint) is covered by its checksum, which anyone
     * can recompute; in a keyed group it is also part of the tag's associated data, so a changed field
     * with a recomputed checksum is caught as a bad tag, not decoded.
     */
    @Test
    void aHeaderChangedWithItsChecksumRecomputedFailsTheTag() throws Exception {
        byte[] data = TestData.random(21, 20_000);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("secret", Compression.FAST, 0, ChunkingSpec.DEFAULT, PASS));
            e.createContainer("secret", new ContainerSpec("vault", "client", Map.of()));
            EngineRoundTripTest.put(e.openContainer("vault"), "a", data);
        }
        try (Stream<Path> s = Files.walk(dir.resolve("chunks"))) {
            for (Path p : s.filter(q -> q.toString().endsWith(".ccf")).toList()) {
                byte[] file = Files.readAllBytes(p);
                int rec = 32; // after the container's header
                int length = dev.cistern.engine.store.ChunkRecord.HEADER
                        + dev.cistern.engine.store.ChunkRecord.payloadLength(file, rec);
                file[rec + 4] ^= 0x03; // LZ4 <-> Zstd, the encrypted bit kept
                ByteBuffer.wrap(file).putInt(rec, dev.cistern.engine.store.ChunkRecord.crc(file, rec + 4, length - 4));
                Files.write(p, file);
            }
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.unlockGroup("secret", PASS);
            ContainerHandle c = e.openContainer("vault");
            assertThatThrownBy(() -> TestData.readAll(c, "a")).isInstanceOf(EngineException.class)
                    .hasMessageContaining("authentication tag")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.DAMAGED);
            assertThat(e.verify(Progress.NONE).damagedEntries()).isNotEmpty();
        }
    }

    private static GroupRecord groupRecord(MetaStore meta, String name) {
        try (Scanner sc = meta.scan(Family.GROUPS, new byte[0])) {
            while (sc.next()) {
                GroupRecord r = GroupRecord.decode(sc.value());
                if (r.name().equals(name)) return r;
            }
        }
        throw new AssertionError("no group " + name);
    }

    /** Flips one payload byte of the first record of every chunk container: a record the verify must catch. */
    private void flipAByteInTheFirstRecordOfEachContainer() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("chunks"))) {
            for (Path p : s.filter(q -> q.toString().endsWith(".ccf")).toList()) {
                try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    ByteBuffer b = ByteBuffer.allocate(1);
                    long at = 32 + 48 + 40; // header, record header, into the payload
                    ch.read(b, at);
                    b.put(0, (byte) (b.get(0) ^ 0x10)).rewind();
                    ch.write(b, at);
                }
            }
        }
    }
}
