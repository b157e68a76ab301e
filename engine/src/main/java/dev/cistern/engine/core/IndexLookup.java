package dev.cistern.engine.core;

import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.store.ChunkLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** Finds where chunks live: the locality cache first, then one multi-get of the on-disk index for the rest. */
final class IndexLookup {
    private IndexLookup() {
    }

    /**
     * Fills {@code locs[i]} for the first {@code n} fingerprints; leaves null those the index lacks.
     * {@code fromIndex} is told the position of each one found in the index (not in the cache).
     */
    static void locate(MetaStore meta, GroupState g, Fingerprint[] fps, int n, ChunkLocation[] locs, IntConsumer fromIndex) {
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
            locs[misses.get(k)] = ChunkLocation.decode(v);
            fromIndex.accept(misses.get(k));
        }
    }

    /**
     * Loads the fingerprints of a whole container into the locality cache: the next chunks a stream
     * writes or reads are most likely its neighbours there.
     */
    static void loadLocality(MetaStore meta, GroupState g, long containerId) {
        List<java.util.Map.Entry<Fingerprint, ChunkLocation>> chunks = new ArrayList<>();
        try (dev.cistern.engine.meta.Scanner sc = meta.scan(Family.CONTAINER_CHUNKS, dev.cistern.engine.meta.Keys.id2(g.id(), containerId))) {
            while (sc.next()) {
                ContainerChunk c = ContainerChunk.decode(sc.key(), sc.value());
                chunks.add(java.util.Map.entry(c.fingerprint(), c.location()));
            }
        }
        g.cache.load(containerId, chunks);
    }
}
