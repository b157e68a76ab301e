package dev.cistern.engine.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Keeps the cleaner from deleting a chunk that a writer has just deduplicated against but not yet
 * committed a reference to. See {@code package-info} of this package for the full argument.
 *
 * <p>Writers look chunks up and note their references under the read lock. Every writer session keeps
 * the fingerprint prefixes it referenced since its last commit ({@link WriteSession#pending}). While a
 * clean runs, every reference made is also added to {@link #touched}. When the cleaner starts it takes
 * the write lock, switches tracking on and copies all sessions' pending sets into {@code touched}, and
 * only then takes its metadata snapshot; when it decides a chunk is dead it holds the write lock and
 * also removes the index entry, so a writer either referenced the chunk before (and it is protected)
 * or looks it up after (and misses, writing a fresh copy).
 */
final class ReferenceTracker {
    final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final Set<WriteSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile LongSet touched;

    void register(WriteSession s) {
        sessions.add(s);
    }

    void unregister(WriteSession s) {
        sessions.remove(s);
    }

    /** Called under the read lock for every chunk a session references. */
    void referenced(WriteSession s, long fingerprintPrefix) {
        s.pending.add(fingerprintPrefix);
        LongSet t = touched;
        if (t != null) t.add(fingerprintPrefix);
    }

    /** Cleaner: under the write lock, turns tracking on seeded with every uncommitted reference. */
    LongSet beginClean() {
        lock.writeLock().lock();
        try {
            LongSet t = new LongSet(1024);
            for (WriteSession s : sessions) s.pending.copyInto(t);
            touched = t;
            return t;
        } finally {
            lock.writeLock().unlock();
        }
    }

    void endClean() {
        touched = null;
    }
}
