package dev.cistern.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.cistern.engine.meta.Counters;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import dev.cistern.engine.store.ChunkLocation;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * A data directory written before writers re-checked the index may list a second copy of a chunk the
 * index does not use (counted, as every stored copy was), or a copy whose index entry recovery dropped.
 * The first open by this version unlists the first and takes it off the counters, indexes the second
 * again, once; everything in use still reads back and verifies.
 */
class StrayListingTest {
    @TempDir
    Path dir;

    @Test
    void aStrayCopyListedWhereTheIndexDoesNotHaveItIsUnlistedOnceAtOpen() throws Exception {
        byte[] a = random(1);
        byte[] b = random(2);
        long groupId;
        long chunksBefore;
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            ContainerHandle c = e.openContainer("bkp");
            TestData.store(c, "a", a);
            TestData.store(c, "b", b);
            groupId = e.group("grp").id();
            chunksBefore = e.groupStats("grp").chunkCount();
        }
        byte[] strayKey;
        try (MetaStore meta = MetaStore.open(dir.resolve("meta"))) {
            List<ContainerChunk> listed = new ArrayList<>();
            try (Scanner sc = meta.scan(Family.CONTAINER_CHUNKS, Keys.id(groupId))) {
                while (sc.next()) listed.add(ContainerChunk.decode(sc.key(), sc.value()));
            }
            ContainerChunk x = listed.getLast(); // a chunk of b
            ContainerChunk y = listed.getFirst(); // a record of a, in another place
            // x listed as if stored a second time inside y's record, and counted as a stored copy is
            ContainerChunk stray = new ContainerChunk(groupId, new ChunkLocation(y.location().containerId(),
                    y.location().offset(), y.location().payloadLength(), x.location().rawLength(), 1 << 24,
                    x.location().storedLength()), x.fingerprint(), x.ownerContainerId());
            strayKey = stray.key();
            try (WriteBatch batch = new WriteBatch()) {
                batch.put(meta.cf(Family.CONTAINER_CHUNKS), stray.key(), stray.value());
                Counters.add(batch, meta, GroupCounters.unique(groupId), stray.location().rawLength());
                Counters.add(batch, meta, GroupCounters.stored(groupId), stray.location().storedLength());
                Counters.add(batch, meta, GroupCounters.chunks(groupId), 1);
                Counters.add(batch, meta, GroupCounters.containerUnique(stray.ownerContainerId()), stray.location().rawLength());
                Counters.add(batch, meta, GroupCounters.containerStored(stray.ownerContainerId()), stray.location().storedLength());
                Counters.add(batch, meta, GroupCounters.containerChunks(stray.ownerContainerId()), 1);
                // and a chunk of a whose index entry recovery dropped (it named a torn second copy): the listed
                // copy is the one left, and must be indexed again, not unlisted
                ContainerChunk orphan = listed.get(1);
                batch.delete(meta.cf(Family.INDEX), DedupStore.indexKey(groupId, orphan.fingerprint()));
                batch.delete(meta.cf(Family.DEFAULT), Recovery.LISTINGS_CHECKED); // as a directory of the version before
                meta.write(batch, true);
            }
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            assertThat(e.groupStats("grp").chunkCount()).as("the stray copy is off the counters").isEqualTo(chunksBefore);
            ContainerHandle c = e.openContainer("bkp");
            assertThat(TestData.readAll(c, "a")).isEqualTo(a);
            assertThat(TestData.readAll(c, "b")).isEqualTo(b);
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
        try (MetaStore meta = MetaStore.open(dir.resolve("meta"))) {
            assertThat(meta.get(Family.CONTAINER_CHUNKS, strayKey)).as("unlisted").isNull();
            assertThat(meta.get(Family.DEFAULT, Recovery.LISTINGS_CHECKED)).as("done once").isNotNull();
        }
    }

    private static byte[] random(long seed) {
        byte[] d = new byte[1_000_000];
        new Random(seed).nextBytes(d);
        return d;
    }
}
