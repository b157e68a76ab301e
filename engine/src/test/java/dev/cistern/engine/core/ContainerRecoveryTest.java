package dev.cistern.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.Compression;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.Progress;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.engine.StreamWriter;
import dev.cistern.engine.TestData;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import dev.cistern.engine.store.ChunkContainerFormat;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery of containers the metadata does not know as sealed, from on-disk states a crash leaves,
 * built by hand after a clean close: the trailer cut off (killed before the seal), records lost under a
 * trailer (power failure), a torn tail. Whatever was acknowledged reads back, and nothing the index
 * keeps points at bytes that are not there.
 */
class ContainerRecoveryTest {
    @TempDir
    Path dir;

    private EngineConfig config() {
        return EngineConfig.defaults(dir).withContainerSize(8 << 20); // all of a test's chunks in one container
    }

    /**
     * Killed after a commit, before the seal. The stream's last 16 bytes look like a trailer's end (an
     * offset, then the end magic); random data is stored raw, so the container ends with them. Recovery
     * took them for a trailer and dropped every chunk past the offset they name.
     */
    @Test
    void aStreamEndingLikeATrailerSurvivesACrashBeforeTheSeal() throws Exception {
        byte[] data = TestData.random(1, 300_000);
        ByteBuffer.wrap(data, data.length - 16, 16).putLong(32).put("CISTEND1".getBytes(StandardCharsets.US_ASCII));
        long gid;
        try (Engine e = Engines.open(config())) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            TestData.store(e.openContainer("bkp"), "s", data);
            gid = e.group("grp").id();
        }
        Path file = onlyContainer(gid);
        removeTrailer(file);
        markUnsealed(gid, file);
        try (Engine e = Engines.open(config())) {
            assertThat(TestData.readAll(e.openContainer("bkp"), "s")).isEqualTo(data);
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
    }

    /** The same without crafted bytes: a group without compression stores a backup of a container file, which ends with a real trailer. */
    @Test
    void aBackedUpContainerFileSurvivesACrashBeforeTheSeal() throws Exception {
        long gid;
        try (Engine e = Engines.open(config())) {
            e.createGroup(new StorageGroupSpec("grp", Compression.NONE, 0, null, null));
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            TestData.store(e.openContainer("bkp"), "x", TestData.random(5, 300_000));
            gid = e.group("grp").id();
        }
        Path first = onlyContainer(gid);
        byte[] ccf = Files.readAllBytes(first);
        byte[] other = TestData.random(6, 1_000_000);
        try (Engine e = Engines.open(config())) {
            // the next container grows past the backed-up file's trailer offset, then the file goes in
            TestData.store(e.openContainer("bkp"), "other", other);
            TestData.store(e.openContainer("bkp"), "backup-of-ccf", ccf);
        }
        Path second;
        try (var s = Files.list(groupDir(gid))) {
            second = s.filter(p -> p.toString().endsWith(".ccf") && !p.equals(first)).findFirst().orElseThrow();
        }
        removeTrailer(second);
        markUnsealed(gid, second);
        try (Engine e = Engines.open(config())) {
            assertThat(TestData.readAll(e.openContainer("bkp"), "backup-of-ccf")).isEqualTo(ccf);
            assertThat(TestData.readAll(e.openContainer("bkp"), "other")).isEqualTo(other);
        }
    }

    /**
     * Power failure while sealing, before this version forced records ahead of the trailer: the trailer
     * reached the disk, records appended after the last force (never acknowledged, but indexed) did not,
     * and the "sealed" state did not either. Recovery trusted the trailer and kept those records indexed;
     * the same data written again deduplicated against them, and its acknowledged read failed.
     */
    @Test
    void recordsLostUnderATrailerAreNotLeftIndexed() throws Exception {
        byte[] a = TestData.random(1, 200_000);
        byte[] b = TestData.random(2, 2_500_000);
        Unacknowledged u = storeThenAbort(a, b);
        long bEnd = Files.size(u.file()); // the close sealed it: a trailer behind b's records
        assertThat(bEnd).isGreaterThan(u.bStart());
        try (FileChannel ch = FileChannel.open(u.file(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate((int) (bEnd - u.bStart())), u.bStart()); // b's pages never reached the disk
        }
        markUnsealed(u.gid(), u.file());
        try (Engine e = Engines.open(config())) {
            ContainerHandle c = e.openContainer("bkp");
            TestData.store(c, "b2", b);
            assertThat(TestData.readAll(c, "a")).isEqualTo(a);
            assertThat(TestData.readAll(c, "b2")).isEqualTo(b);
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
    }

    /** The one container of a group after {@code a} was committed and {@code b} written and aborted, and where b began. */
    private record Unacknowledged(long gid, Path file, long bStart) {
    }

    private Unacknowledged storeThenAbort(byte[] a, byte[] b) throws Exception {
        try (Engine e = Engines.open(config())) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            ContainerHandle c = e.openContainer("bkp");
            TestData.store(c, "a", a);
            long gid = e.group("grp").id();
            Path file = onlyContainer(gid);
            long bStart = Files.size(file);
            StreamWriter w = c.create("b");
            w.write(ByteBuffer.wrap(b)); // whole segments stored: appended and indexed, not forced
            w.abort();
            return new Unacknowledged(gid, file, bStart);
        }
    }

    /** A tail torn inside unacknowledged records: what stays listed is what the counters say is stored. */
    @Test
    void countersMatchTheListingsAfterATornTail() throws Exception {
        byte[] a = TestData.random(1, 200_000);
        Unacknowledged u = storeThenAbort(a, TestData.random(2, 2_500_000));
        long gid = u.gid();
        removeTrailer(u.file());
        try (FileChannel ch = FileChannel.open(u.file(), StandardOpenOption.WRITE)) {
            ch.truncate(u.bStart() + 100_000); // torn inside b's records
        }
        markUnsealed(gid, u.file());
        try (Engine e = Engines.open(config())) {
            assertThat(TestData.readAll(e.openContainer("bkp"), "a")).isEqualTo(a);
        }
        long chunks = 0;
        long stored = 0;
        long raw = 0;
        try (MetaStore meta = MetaStore.open(dir.resolve("meta"));
             Scanner sc = meta.scan(Family.CONTAINER_CHUNKS, Keys.id(gid))) {
            while (sc.next()) {
                ContainerChunk cc = ContainerChunk.decode(sc.key(), sc.value());
                chunks++;
                stored += cc.location().storedLength();
                raw += cc.location().rawLength();
            }
            assertThat(chunks).isPositive();
            assertThat(meta.counter(GroupCounters.chunks(gid))).isEqualTo(chunks);
            assertThat(meta.counter(GroupCounters.stored(gid))).isEqualTo(stored);
            assertThat(meta.counter(GroupCounters.unique(gid))).isEqualTo(raw);
        }
    }

    /** The scan itself: a sealed file is sealed; its trailer cut, changed or standing behind a damaged record, it is not. */
    @Test
    void aFileIsSealedOnlyIfAnIntactTrailerFollowsItsIntactRecords() throws Exception {
        long gid;
        try (Engine e = Engines.open(config())) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            TestData.store(e.openContainer("bkp"), "s", TestData.random(3, 600_000));
            gid = e.group("grp").id();
        }
        Path file = onlyContainer(gid);
        ChunkContainerFormat.Scan sealed = scan(file);
        assertThat(sealed.sealed()).isTrue();
        assertThat(sealed.records()).isNotEmpty();
        long trailerAt = sealed.validEnd();
        byte[] original = Files.readAllBytes(file);

        flipByte(file, original.length - 30); // inside the trailer's entries: its checksum no longer matches
        ChunkContainerFormat.Scan changed = scan(file);
        assertThat(changed.sealed()).isFalse();
        assertThat(changed.validEnd()).isEqualTo(trailerAt);

        Files.write(file, original);
        flipByte(file, ChunkContainerFormat.HEADER + 100); // inside the first record
        ChunkContainerFormat.Scan damaged = scan(file);
        assertThat(damaged.sealed()).as("a trailer behind a damaged record proves nothing").isFalse();
        assertThat(damaged.validEnd()).isEqualTo(ChunkContainerFormat.HEADER);

        Files.write(file, original);
        removeTrailer(file);
        ChunkContainerFormat.Scan open = scan(file);
        assertThat(open.sealed()).isFalse();
        assertThat(open.validEnd()).isEqualTo(trailerAt);
        assertThat(open.records()).isEqualTo(sealed.records());
    }

    private static ChunkContainerFormat.Scan scan(Path file) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ChunkContainerFormat.scan(ch);
        }
    }

    private static void flipByte(Path file, long at) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, at);
            b.put(0, (byte) (b.get(0) ^ 0x40));
            ch.write(b.rewind(), at);
        }
    }

    private Path groupDir(long gid) {
        return dir.resolve("chunks").resolve(String.format("%016x", gid));
    }

    private Path onlyContainer(long gid) throws Exception {
        try (var s = Files.list(groupDir(gid))) {
            List<Path> l = s.filter(p -> p.toString().endsWith(".ccf")).toList();
            assertThat(l).hasSize(1);
            return l.getFirst();
        }
    }

    /** Cuts the trailer off: the file as it was before the seal. */
    private static void removeTrailer(Path file) throws Exception {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer t = ByteBuffer.allocate(16);
            ch.read(t, ch.size() - 16);
            ch.truncate(t.flip().getLong());
        }
    }

    /** The container's state as a crash before its seal was recorded leaves it. */
    private void markUnsealed(long gid, Path file) {
        String n = file.getFileName().toString();
        long id = Long.parseUnsignedLong(n.substring(0, n.length() - 4), 16);
        try (MetaStore meta = MetaStore.open(dir.resolve("meta"))) {
            ChunkContainerState s = new ChunkContainerState(gid, id, false, 0);
            meta.put(Family.CHUNK_CONTAINERS, s.key(), s.value(), true);
        }
    }
}
