package dev.cistern.iscsi.scsi;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The commands running on a logical unit, from every session. Each runs holding the read side of a lock;
 * {@link #await} takes the write side once, so it returns when every command that started before it has
 * finished. A sanitize (before it erases) and a reset (before it reports completion, SAM-5 6.3) wait so.
 */
public final class CommandBarrier {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    <T> T run(Supplier<T> command) {
        Lock l = lock.readLock();
        l.lock();
        try {
            return command.get();
        } finally {
            l.unlock();
        }
    }

    /** Waits for the commands running now; the caller must not be one of them. */
    public void await() {
        exclusive(() -> { });
    }

    /**
     * Runs {@code action} once the commands running now have finished and before any other starts: what it
     * sets, every later command sees. The caller must not be one of the commands.
     */
    public void exclusive(Runnable action) {
        lock.writeLock().lock();
        try {
            action.run();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
