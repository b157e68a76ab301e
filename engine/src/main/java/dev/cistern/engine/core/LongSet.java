package dev.cistern.engine.core;

import java.util.Arrays;

/**
 * A thread-safe open-addressing set of longs (fingerprint prefixes). Used where a false "present" is
 * harmless: the cleaner keeps a chunk whose 64-bit prefix collides with a live one, it never frees one.
 * Zero is stored as a separate flag.
 */
final class LongSet {
    private long[] slots;
    private int size;
    private boolean hasZero;

    LongSet(int expected) {
        slots = new long[Integer.highestOneBit(Math.max(16, expected * 2)) * 2];
    }

    synchronized void add(long v) {
        if (v == 0) {
            hasZero = true;
            return;
        }
        if ((size + 1) * 2 > slots.length) grow();
        if (insert(slots, v)) size++;
    }

    synchronized boolean contains(long v) {
        if (v == 0) return hasZero;
        int mask = slots.length - 1;
        for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
            long s = slots[i];
            if (s == 0) return false;
            if (s == v) return true;
        }
    }

    synchronized int size() {
        return size + (hasZero ? 1 : 0);
    }

    synchronized void clear() {
        Arrays.fill(slots, 0);
        size = 0;
        hasZero = false;
    }

    synchronized void copyInto(LongSet other) {
        if (hasZero) other.add(0);
        for (long s : slots) if (s != 0) other.add(s);
    }

    private void grow() {
        long[] n = new long[slots.length * 2];
        for (long s : slots) if (s != 0) insert(n, s);
        slots = n;
    }

    private static boolean insert(long[] t, long v) {
        int mask = t.length - 1;
        for (int i = mix(v) & mask; ; i = (i + 1) & mask) {
            if (t[i] == 0) {
                t[i] = v;
                return true;
            }
            if (t[i] == v) return false;
        }
    }

    private static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
