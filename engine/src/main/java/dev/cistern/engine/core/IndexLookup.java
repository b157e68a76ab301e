package dev.cistern.engine.core;

import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.store.ChunkLocation;
import java.util.ArrayList;
import java.util.List;

/** Finds where chunks live: the locality cache first, then one multi-get of the on-disk index for the rest. */
final class IndexLookup {
    private IndexLookup() {
    }

    /**
     * Fills {@code locs[i]} for the first {@code n} fingerprints; leaves null those the index lacks. A
     * chunk found in the index (not the cache) brings its whole container's listing into the cache: the
     * next chunks of a stream, written or read, are most likely its neighbours there.
     */
    static void locate(MetaStore meta, GroupState g, Fingerprint[] fps, int n, ChunkLocation[] locs) {
        List<Integer> misses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            locs[i] = g.cache.get(fps[i]);
            if (locs[i] == null) misses.add(i);
        }
        if (misses.isEmpty()) return;
        List<byte[]> keys = new ArrayList<>(misses.size());
        for (int i : misses) keys.add(DedupStore.indexKey(g.id(), fps[i]));
        List<byte[]> values = meta.multiGet(Family.INDEX, keys);
        for (int k = 0; k < misses.size(); k++) {
            byte[] v = values.get(k);
            if (v == null) continue;
            ChunkLocation loc = ChunkLocation.decode(v);
            locs[misses.get(k)] = loc;
            if (!g.cache.holds(loc.containerId())) loadLocality(meta, g, loc.containerId());
        }
    }

    /** Fills {@code locs[k]} with the index entry of {@code fps[k]} (null if none): the index alone, no cache. */
    static void indexed(MetaStore meta, GroupState g, List<Fingerprint> fps, ChunkLocation[] locs) {
        List<byte[]> keys = new ArrayList<>(fps.size());
        for (Fingerprint fp : fps) keys.add(DedupStore.indexKey(g.id(), fp));
        List<byte[]> values = meta.multiGet(Family.INDEX, keys);
        for (int k = 0; k < fps.size(); k++) locs[k] = values.get(k) == null ? null : ChunkLocation.decode(values.get(k));
    }

    /** Where the index says chunk {@code fp} of group {@code g} lives; null if it has no entry. */
    static ChunkLocation lookup(MetaStore meta, GroupState g, Fingerprint fp) {
        byte[] v = meta.get(Family.INDEX, DedupStore.indexKey(g.id(), fp));
        return v == null ? null : ChunkLocation.decode(v);
    }

    /** Whether the index entry of {@code fp} is {@code loc}: that copy is the one in use (cleaner, verify, recovery). */
    static boolean indexedAt(MetaStore meta, GroupState g, Fingerprint fp, ChunkLocation loc) {
        return loc.equals(lookup(meta, g, fp));
    }

    /**
     * Loads the fingerprints of a whole container into the locality cache: the next chunks a stream
     * writes or reads are most likely its neighbours there.
     */
    static void loadLocality(MetaStore meta, GroupState g, long containerId) {
        // Under the cleaner's read lock, listing read and cache loaded in one step: the cleaner unlists
        // dead chunks and drops the container from the cache under the write lock, so a listing read
        // before that cannot land in the cache after it (a writer would then dedup against a dead chunk).
        // Readers and the boundary predictor load listings too, and hold no lock of their own.
        g.tracker.lock.readLock().lock();
        try {
            List<java.util.Map.Entry<Fingerprint, ChunkLocation>> chunks = new ArrayList<>();
            try (dev.cistern.engine.meta.Scanner sc = meta.scan(Family.CONTAINER_CHUNKS, dev.cistern.engine.meta.Keys.id2(g.id(), containerId))) {
                while (sc.next()) {
                    ContainerChunk c = ContainerChunk.decode(sc.key(), sc.value());
                    chunks.add(java.util.Map.entry(c.fingerprint(), c.location()));
                }
            }
            g.cache.load(containerId, chunks);
        } finally {
            g.tracker.lock.readLock().unlock();
        }
    }
}
