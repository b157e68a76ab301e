package dev.cistern.iscsi.session;

/**
 * Bytes of command data one connection may hold in memory at once: the buffers of writes waiting for
 * or holding their Data-Out, or the Data-In of reads running concurrently. Without it an initiator can
 * send commands faster than they drain (writes whose data never comes, reads whose Data-In it never
 * collects) and each one takes a buffer of up to 16 MiB, until the server runs out of heap.
 * One command always fits, however big, so a lone large transfer is never refused.
 */
final class DataBudget {
    /** Per connection: four maximum-size transfers, or 128 of the usual 512 KiB. */
    static final long DEFAULT_LIMIT = 64L << 20;

    private final long limit;
    private long used;

    DataBudget(long limit) {
        this.limit = limit;
    }

    /** Takes {@code n} bytes if they fit now; false (and nothing taken) if not. */
    synchronized boolean tryTake(long n) {
        if (used > 0 && used + n > limit) return false;
        used += n;
        return true;
    }

    /** Takes {@code n} bytes, waiting for others to give theirs back first when they do not fit. */
    synchronized void take(long n) throws InterruptedException {
        while (used > 0 && used + n > limit) wait();
        used += n;
    }

    synchronized void give(long n) {
        if (n == 0) return;
        used -= n;
        notifyAll();
    }

    synchronized long used() {
        return used;
    }
}
