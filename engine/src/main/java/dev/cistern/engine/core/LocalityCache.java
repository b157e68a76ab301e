package dev.cistern.engine.core;

import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.store.ChunkLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locality-preserved caching (Data Domain, FAST '08): when a lookup hits a chunk in some container,
 * the fingerprints of that whole container are loaded, since the next chunks of a backup stream are
 * most likely its neighbours. Bounded by a number of containers, evicted least recently loaded first.
 * Lookups are lock-free; loads and evictions take the cache's lock.
 *
 * <p>It also knows each cached chunk's successor in its container (the chunk written right after it),
 * which is what a re-ingested stream most likely holds next: writers use it to predict chunk
 * boundaries instead of searching for them (see {@link StreamWriterImpl}).
 */
final class LocalityCache {
    private final int maxContainers;
    private final Map<Fingerprint, ChunkLocation> byFingerprint = new ConcurrentHashMap<>();
    private final Map<Fingerprint, Fingerprint> successors = new ConcurrentHashMap<>();
    private final LinkedHashMap<Long, List<Fingerprint>> containers = new LinkedHashMap<>(64, 0.75f, true);

    LocalityCache(int maxContainers) {
        this.maxContainers = maxContainers;
    }

    ChunkLocation get(Fingerprint fp) {
        return byFingerprint.get(fp);
    }

    /** The chunk stored right after {@code fp} in its container, if both are cached. */
    Fingerprint successor(Fingerprint fp) {
        return successors.get(fp);
    }

    synchronized boolean holds(long containerId) {
        return containers.containsKey(containerId);
    }

    /** Adds the fingerprints of a container, in container order (replacing what was cached of it). */
    synchronized void load(long containerId, List<Map.Entry<Fingerprint, ChunkLocation>> chunks) {
        List<Fingerprint> fps = new ArrayList<>(chunks.size());
        Fingerprint previous = null;
        for (var e : chunks) {
            byFingerprint.put(e.getKey(), e.getValue());
            fps.add(e.getKey());
            if (previous != null) successors.put(previous, e.getKey());
            previous = e.getKey();
        }
        List<Fingerprint> prev = containers.put(containerId, fps);
        if (prev != null) prev.removeAll(fps);
        evict();
    }

    /** Adds one chunk just written to an open container. */
    synchronized void add(Fingerprint fp, ChunkLocation loc) {
        byFingerprint.put(fp, loc);
        List<Fingerprint> fps = containers.computeIfAbsent(loc.containerId(), k -> new ArrayList<>());
        if (!fps.isEmpty()) successors.put(fps.getLast(), fp);
        fps.add(fp);
        evict();
    }

    /** Forgets a container (the cleaner moved or deleted its chunks). */
    synchronized void invalidate(long containerId) {
        List<Fingerprint> fps = containers.remove(containerId);
        if (fps != null) forget(containerId, fps);
    }

    synchronized void clear() {
        containers.clear();
        byFingerprint.clear();
        successors.clear();
    }

    private void evict() {
        while (containers.size() > maxContainers) {
            var it = containers.entrySet().iterator();
            var eldest = it.next();
            it.remove();
            forget(eldest.getKey(), eldest.getValue());
        }
    }

    private void forget(long containerId, List<Fingerprint> fps) {
        for (Fingerprint fp : fps) {
            if (byFingerprint.computeIfPresent(fp, (k, v) -> v.containerId() == containerId ? null : v) == null) {
                successors.remove(fp);
            }
        }
    }
}
