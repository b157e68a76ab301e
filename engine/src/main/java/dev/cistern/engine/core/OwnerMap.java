package dev.cistern.engine.core;

/**
 * Fingerprint prefix → new owner container, for {@link OwnerReattribution}: an open-addressing map of
 * longs (two arrays, no boxing: after a big container is deleted it may hold millions of prefixes).
 * Keys are added first without an owner; mark then gives each the first container seen referencing it.
 * Not thread-safe (the cleaner's own thread only). Zero is kept apart, as in {@link LongSet}.
 */
final class OwnerMap {
    /** The value of a key no owner was found for yet. */
    static final long NONE = Long.MIN_VALUE;
    private long[] keys;
    private long[] owners;
    private int size;
    private boolean hasZero;
    private long zeroOwner = NONE;

    OwnerMap() {
        keys = new long[16];
        owners = new long[16];
    }

    /** Adds {@code key} without an owner (keeps the owner it may have). */
    void addKey(long key) {
        if (key == 0) {
            hasZero = true;
            return;
        }
        if ((size + 1) * 2 > keys.length) grow();
        if (insert(keys, owners, key, NONE)) size++;
    }

    boolean isEmpty() {
        return size == 0 && !hasZero;
    }

    boolean containsKey(long key) {
        return key == 0 ? hasZero : slot(key) >= 0;
    }

    /** Gives {@code key}, if present and still without one, the owner {@code owner}. */
    void offer(long key, long owner) {
        if (key == 0) {
            if (hasZero && zeroOwner == NONE) zeroOwner = owner;
            return;
        }
        int i = slot(key);
        if (i >= 0 && owners[i] == NONE) owners[i] = owner;
    }

    /** The owner of {@code key}, or {@link #NONE} when absent or without one. */
    long owner(long key) {
        if (key == 0) return hasZero ? zeroOwner : NONE;
        int i = slot(key);
        return i < 0 ? NONE : owners[i];
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (keys[i] == 0) return -1;
            if (keys[i] == key) return i;
        }
    }

    private void grow() {
        long[] k = new long[keys.length * 2];
        long[] o = new long[keys.length * 2];
        for (int i = 0; i < keys.length; i++) if (keys[i] != 0) insert(k, o, keys[i], owners[i]);
        keys = k;
        owners = o;
    }

    private static boolean insert(long[] k, long[] o, long key, long owner) {
        int mask = k.length - 1;
        for (int i = mix(key) & mask; ; i = (i + 1) & mask) {
            if (k[i] == 0) {
                k[i] = key;
                o[i] = owner;
                return true;
            }
            if (k[i] == key) return false;
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
