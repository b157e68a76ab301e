package dev.cistern.engine.core;

import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import java.nio.charset.StandardCharsets;

/**
 * Hands out ids (groups, containers, entries, chunk containers) that are never reused, even across a
 * crash: ids are reserved in blocks whose upper bound is made durable before any id of it is used.
 */
final class IdAllocator {
    static final byte[] KEY = "next-id".getBytes(StandardCharsets.US_ASCII);
    private static final long BLOCK = 4096;

    private final MetaStore meta;
    private long next;
    private long limit;

    IdAllocator(MetaStore meta) {
        this.meta = meta;
        byte[] v = meta.get(Family.DEFAULT, KEY);
        this.next = v == null ? 1 : Keys.longAt(v, 0);
        this.limit = next;
    }

    synchronized long next() {
        if (next >= limit) {
            limit = next + BLOCK;
            meta.put(Family.DEFAULT, KEY, Keys.id(limit), true);
        }
        return next++;
    }
}
