package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import dev.cistern.engine.store.ChunkContainerFormat;
import dev.cistern.engine.store.ChunkContainerWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.store.ChunkLocation;
import java.util.logging.Logger;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Brings the data directory back to a consistent state after a crash, before anything else runs.
 *
 * <p>Invariant restored: every index entry points at an intact record in an existing container file,
 * and the space counters match the indexed records. Open (unsealed) containers are scanned record by
 * record; a torn tail is cut off, the index entries and counters of records past the cut are dropped,
 * and the container is sealed. No committed recipe can reference a dropped record, because recipes are
 * committed only after the container bytes they reference were forced. Entries that were being created
 * (staging) were never published: their recipes are deleted.
 */
final class Recovery {
    private static final Logger LOG = Logger.getLogger(Recovery.class.getName());
    private final LocalEngine engine;

    Recovery(LocalEngine engine) {
        this.engine = engine;
    }

    /** Set once {@link #unlistStrayCopies} has run on a data directory. */
    static final byte[] LISTINGS_CHECKED = "listings-checked".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    void run() {
        try {
            for (GroupState g : engine.groups.values()) recoverGroup(g);
            dropStaging();
            if (engine.meta.get(Family.DEFAULT, LISTINGS_CHECKED) == null) {
                unlistStrayCopies();
                engine.meta.put(Family.DEFAULT, LISTINGS_CHECKED, new byte[] {1}, true);
            }
        } catch (IOException | RocksDBException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "crash recovery failed: " + e.getMessage(), e);
        }
    }

    private void recoverGroup(GroupState g) throws IOException, RocksDBException {
        Map<Long, ChunkContainerState> states = new HashMap<>();
        try (Scanner sc = engine.meta.scan(Family.CHUNK_CONTAINERS, Keys.id(g.id()))) {
            while (sc.next()) {
                ChunkContainerState s = ChunkContainerState.decode(sc.key(), sc.value());
                states.put(s.containerId(), s);
            }
        }
        Set<Long> files = new HashSet<>();
        Path dir = g.store.dir();
        try (var ls = Files.list(dir)) {
            for (Path p : ls.toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".ccf")) files.add(Long.parseUnsignedLong(n.substring(0, n.length() - 4), 16));
            }
        }
        for (long id : files) {
            ChunkContainerState s = states.get(id);
            if (s != null && s.sealed()) continue;
            recoverContainer(g, id);
        }
        for (long id : states.keySet()) {
            if (!files.contains(id)) {
                LOG.warning("chunk container " + Long.toHexString(id) + " of group " + g.name() + " has no file; dropping its index entries");
                dropRecords(g, id, 0);
                engine.meta.delete(Family.CHUNK_CONTAINERS, Keys.id2(g.id(), id));
            }
        }
    }

    private void recoverContainer(GroupState g, long id) throws IOException, RocksDBException {
        Path file = g.store.file(id);
        ChunkContainerFormat.Scan scan;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            scan = ChunkContainerFormat.scan(ch);
        }
        if (!scan.headerOk()) {
            dropRecords(g, id, 0);
            Files.deleteIfExists(file);
            engine.meta.delete(Family.CHUNK_CONTAINERS, Keys.id2(g.id(), id));
            return;
        }
        long validEnd = scan.validEnd();
        int dropped = dropRecords(g, id, validEnd);
        if (!scan.sealed()) {
            ChunkContainerWriter.sealRecovered(file, id, scan.records(), validEnd);
        }
        ChunkContainerState s = new ChunkContainerState(g.id(), id, true, Files.size(file));
        engine.meta.put(Family.CHUNK_CONTAINERS, s.key(), s.value(), true);
        if (dropped > 0) {
            LOG.warning("recovered chunk container " + Long.toHexString(id) + " of group " + g.name()
                    + ": dropped " + dropped + " unacknowledged chunk(s) past byte " + validEnd);
        }
    }

    /** Drops index entries, listings and counters of the records of container {@code id} at or past {@code validEnd}. */
    private int dropRecords(GroupState g, long id, long validEnd) throws RocksDBException {
        List<ContainerChunk> gone = new ArrayList<>();
        try (Scanner sc = engine.meta.scan(Family.CONTAINER_CHUNKS, Keys.id2(g.id(), id))) {
            while (sc.next()) {
                ContainerChunk c = ContainerChunk.decode(sc.key(), sc.value());
                if (c.location().offset() + (long) c.location().recordLength() > validEnd) gone.add(c);
            }
        }
        if (gone.isEmpty()) return 0;
        try (WriteBatch b = engine.meta.batch()) {
            for (ContainerChunk c : gone) {
                if (IndexLookup.indexedAt(engine.meta, g, c.fingerprint(), c.location())) {
                    b.delete(engine.meta.cf(Family.INDEX), DedupStore.indexKey(g.id(), c.fingerprint()));
                }
                b.delete(engine.meta.cf(Family.CONTAINER_CHUNKS), c.key());
                ChunkAccounting.remove(engine, b, c);
            }
            engine.meta.write(b, true);
        }
        return gone.size();
    }

    /**
     * Once per data directory: makes listings agree with the index. Versions before this one could store
     * a second copy of a chunk and repoint the index at it (a writer that missed the chunk at lookup while
     * another stored it), leaving the first copy listed where the index no longer has it; the locality
     * cache could load that listing and a writer deduplicate against a copy the cleaner then dropped.
     * Such a copy is unlisted and taken off the counters (the cleaner treats it as dead already; its
     * share of a frame that stays live leaves the stored counter until the frame goes). A listed copy
     * whose chunk has no index entry at all (recovery dropped a torn second copy's entry) is the one
     * left: it is indexed again, the first listed if there are several.
     */
    private void unlistStrayCopies() throws RocksDBException {
        long stray = 0;
        long reindexed = 0;
        for (GroupState g : engine.groups.values()) {
            Map<Fingerprint, ChunkLocation> indexedHere = new HashMap<>();
            List<ContainerChunk> page = new ArrayList<>(1024);
            try (Scanner sc = engine.meta.scan(Family.CONTAINER_CHUNKS, Keys.id(g.id()))) {
                while (sc.next()) {
                    page.add(ContainerChunk.decode(sc.key(), sc.value()));
                    if (page.size() == 1024) {
                        long[] n = agreeWithIndex(g, page, indexedHere);
                        stray += n[0];
                        reindexed += n[1];
                        page.clear();
                    }
                }
            }
            if (!page.isEmpty()) {
                long[] n = agreeWithIndex(g, page, indexedHere);
                stray += n[0];
                reindexed += n[1];
            }
        }
        engine.meta.sync();
        if (stray + reindexed > 0) {
            LOG.info("listings checked against the index: " + stray + " stray cop" + (stray == 1 ? "y" : "ies")
                    + " unlisted, " + reindexed + " chunk(s) indexed again");
        }
    }

    /** Returns {stray copies unlisted, chunks indexed again}; {@code indexedHere}: re-indexed so far. */
    private long[] agreeWithIndex(GroupState g, List<ContainerChunk> page, Map<Fingerprint, ChunkLocation> indexedHere)
            throws RocksDBException {
        List<Fingerprint> fps = new ArrayList<>(page.size());
        for (ContainerChunk c : page) fps.add(c.fingerprint());
        ChunkLocation[] indexed = new ChunkLocation[page.size()];
        IndexLookup.indexed(engine.meta, g, fps, indexed);
        long stray = 0;
        long reindexed = 0;
        try (WriteBatch b = engine.meta.batch()) {
            for (int k = 0; k < page.size(); k++) {
                ContainerChunk c = page.get(k);
                ChunkLocation at = indexed[k] != null ? indexed[k] : indexedHere.get(c.fingerprint());
                if (at == null) {
                    b.put(engine.meta.cf(Family.INDEX), DedupStore.indexKey(g.id(), c.fingerprint()), c.location().encode());
                    indexedHere.put(c.fingerprint(), c.location());
                    reindexed++;
                    continue;
                }
                if (c.location().equals(at)) continue;
                b.delete(engine.meta.cf(Family.CONTAINER_CHUNKS), c.key());
                ChunkAccounting.remove(engine, b, c);
                stray++;
            }
            if (stray + reindexed > 0) engine.meta.write(b, false);
        }
        return new long[] {stray, reindexed};
    }

    private void dropStaging() throws RocksDBException {
        try (Scanner sc = engine.meta.scan(Family.STAGING, new byte[0]); WriteBatch b = engine.meta.batch()) {
            int n = 0;
            while (sc.next()) {
                long entryId = Keys.longAt(sc.key(), 0);
                LocalContainerHandle.deleteEntryData(engine, b, entryId);
                b.delete(engine.meta.cf(Family.STAGING), sc.key());
                n++;
            }
            if (n > 0) {
                engine.meta.write(b, true);
                LOG.info("dropped " + n + " unpublished entr" + (n == 1 ? "y" : "ies") + " left by a crash");
            }
        }
    }

}
