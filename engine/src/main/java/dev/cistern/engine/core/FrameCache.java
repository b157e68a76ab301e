package dev.cistern.engine.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Frames decoded lately, so a stream read a chunk (or a small block) at a time decodes each frame once
 * rather than once per chunk. Keyed by where the frame lives: container ids are never reused, and a
 * frame never changes, so an entry cannot go stale. Bounded by bytes, least recently used out first.
 * Never consulted for a locked group: it holds plaintext.
 */
final class FrameCache {
    /** The record's header and frame table (to check which chunks it holds), and its decoded raw data. */
    record Frame(byte[] head, byte[] raw) {
    }

    private record Key(long containerId, int offset) {
    }

    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<Key, Frame> frames = new LinkedHashMap<>(64, 0.75f, true);

    FrameCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    synchronized Frame get(long containerId, int offset) {
        return frames.get(new Key(containerId, offset));
    }

    synchronized void put(long containerId, int offset, Frame f) {
        Frame old = frames.put(new Key(containerId, offset), f);
        if (old != null) bytes -= old.raw().length + old.head().length;
        bytes += f.raw().length + f.head().length;
        var it = frames.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<Key, Frame> e = it.next();
            bytes -= e.getValue().raw().length + e.getValue().head().length;
            it.remove();
        }
    }
}
