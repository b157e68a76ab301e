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
    private final Map<Fingerprint, Node> byFingerprint = new ConcurrentHashMap<>();
    private final LinkedHashMap<Long, List<Node>> containers = new LinkedHashMap<>(64, 0.75f, true);
    /**
     * Chunks added by writers so far, and the highest such number among the nodes the cache has dropped:
     * a writer that sees no drop past the count it read before its lookup knows that every chunk stored
     * since then is still here (see {@link DedupStore#commit}). Written under the cache's lock.
     */
    private volatile long added;
    private volatile long droppedUpTo;

    /**
     * A cached chunk and, once known, the one stored after it. A writer following a chain holds the
     * node and steps to {@link #next} without a map lookup. A node forgotten by the cache may still be
     * held by a writer: it only feeds predictions, which the chunk's fingerprint then confirms or not.
     */
    static final class Node {
        final Fingerprint fingerprint;
        final ChunkLocation location;
        volatile Node next;
        /** The {@link #added} count when a writer added this chunk (or the node it replaced was); 0 if loaded. */
        long addedAs;

        Node(Fingerprint fingerprint, ChunkLocation location) {
            this.fingerprint = fingerprint;
            this.location = location;
        }
    }

    LocalityCache(int maxContainers) {
        this.maxContainers = maxContainers;
    }

    ChunkLocation get(Fingerprint fp) {
        Node n = byFingerprint.get(fp);
        return n == null ? null : n.location;
    }

    /** How many chunks writers have added so far: a stamp for {@link #droppedSince}. */
    long addedSoFar() {
        return added;
    }

    /**
     * Whether a chunk added after {@code stamp} (an {@link #addedSoFar} read) may have left the cache since,
     * by eviction or a clean. Read after not finding the chunk: false means it was never added after the stamp.
     */
    boolean droppedSince(long stamp) {
        return droppedUpTo > stamp;
    }

    /** The cached chunk {@code fp}, with its successor link, or null. */
    Node node(Fingerprint fp) {
        return byFingerprint.get(fp);
    }

    synchronized boolean holds(long containerId) {
        return containers.containsKey(containerId);
    }

    /** Adds the fingerprints of a container, in container order (replacing what was cached of it). */
    synchronized void load(long containerId, List<Map.Entry<Fingerprint, ChunkLocation>> chunks) {
        List<Node> nodes = new ArrayList<>(chunks.size());
        Node previous = null;
        for (var e : chunks) {
            Node n = new Node(e.getKey(), e.getValue());
            Node replaced = byFingerprint.put(n.fingerprint, n);
            if (replaced != null) n.addedAs = replaced.addedAs; // dropping this node later drops that chunk
            nodes.add(n);
            if (previous != null) previous.next = n;
            previous = n;
        }
        List<Node> old = containers.put(containerId, nodes);
        if (old != null) {
            // a listing read just before a writer's batch lacks the chunks that writer cached after it:
            // dropping them would have the next writer store them again
            for (Node n : old) {
                if (byFingerprint.get(n.fingerprint) != n) continue;
                if (!nodes.isEmpty()) nodes.getLast().next = n; // they were written after the listed ones
                nodes.add(n);
            }
        }
        evict();
    }

    /** Adds one chunk just written to an open container. */
    synchronized void add(Fingerprint fp, ChunkLocation loc) {
        Node n = new Node(fp, loc);
        n.addedAs = ++added;
        byFingerprint.put(fp, n);
        List<Node> nodes = containers.computeIfAbsent(loc.containerId(), k -> new ArrayList<>());
        if (!nodes.isEmpty()) nodes.getLast().next = n;
        nodes.add(n);
        evict();
    }

    /** Forgets a container (the cleaner moved or deleted its chunks). */
    synchronized void invalidate(long containerId) {
        List<Node> nodes = containers.remove(containerId);
        if (nodes != null) forget(nodes);
    }

    synchronized void clear() {
        droppedUpTo = added;
        containers.clear();
        byFingerprint.clear();
    }

    private void evict() {
        while (containers.size() > maxContainers) {
            var it = containers.entrySet().iterator();
            var eldest = it.next();
            it.remove();
            forget(eldest.getValue());
        }
    }

    /** Drops nodes from the map unless a newer node of the same chunk replaced them there. */
    private void forget(List<Node> nodes) {
        long upTo = droppedUpTo;
        for (Node n : nodes) upTo = Math.max(upTo, n.addedAs);
        droppedUpTo = upTo; // before the removals: a lookup that misses a dropped node then sees the count
        for (Node n : nodes) {
            byFingerprint.remove(n.fingerprint, n);
            n.next = null;
        }
    }
}
