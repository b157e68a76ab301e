package dev.cistern.s3.store;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Serializes the read-check-publish steps of writers of the same object key (conditional PUT, version
 * bookkeeping, lock checks) inside this server. Striped: unrelated keys rarely share a lock, and the
 * lock is held only around the metadata steps, never while the body streams in.
 */
public final class KeyLocks {
    private final ReentrantLock[] locks = new ReentrantLock[1024];

    public KeyLocks() {
        for (int i = 0; i < locks.length; i++) locks[i] = new ReentrantLock();
    }

    public ReentrantLock of(String bucket, String key) {
        int h = (bucket.hashCode() * 31 + key.hashCode()) & Integer.MAX_VALUE;
        return locks[h % locks.length];
    }
}
