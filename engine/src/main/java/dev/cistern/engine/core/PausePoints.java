package dev.cistern.engine.core;

/**
 * Places in the write path, the cleaner and the passphrase work where a test can hold a thread, to force one interleaving of
 * the two that stress tests only hit now and then. Empty actions unless a test sets them; one per engine.
 */
final class PausePoints {
    private static final Runnable NONE = () -> { };

    /** A writer has appended (and maybe sealed) records, and not yet listed or indexed them. */
    volatile Runnable afterAppend = NONE;
    /** The cleaner has marked, and not yet listed the sealed containers it will sweep. */
    volatile Runnable beforeSweep = NONE;
    /** The cleaner has read a container's listing without the write lock, and now takes the lock. */
    volatile Runnable beforeSweepLock = NONE;
    /**
     * Between the two passphrase hashings of a passphrase change (the old key unwrapped, not yet wrapped
     * under the new one), and after the hashing of a group creation with a passphrase.
     */
    volatile Runnable inKeyDerivation = NONE;
    /**
     * A stream writer is about to write its held recipe steps and size (a flush, a commit, or an appending
     * writer's own publish every {@code autoFlushBytes}); a test may throw here as a failing write would.
     */
    volatile Runnable beforePublish = NONE;
}
