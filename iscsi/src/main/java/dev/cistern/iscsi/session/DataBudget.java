package dev.cistern.iscsi.session;

/**
 * Bytes of command data held in memory at once: the buffers of writes waiting for or holding their
 * Data-Out, or the Data-In of reads running concurrently. Without it an initiator can send commands
 * faster than they drain (writes whose data never comes, reads whose Data-In it never collects) and each
 * one takes a buffer of up to 16 MiB, until the server runs out of heap.
 *
 * <p>Each connection has its own budget, drawing on one shared by the whole target (see
 * {@link CommandMemory}): the first keeps one connection from taking everything, the second keeps many
 * connections together within the heap. An empty budget always lets one command through, however big,
 * so a lone large transfer is never refused. Locks are taken connection first, then target, never the
 * other way round.
 */
final class DataBudget {
    /** Per connection: four maximum-size transfers, or 128 of the usual 512 KiB. */
    static final long CONNECTION_LIMIT = 64L << 20;

    private final long limit;
    private final DataBudget shared;
    private long used;

    /** A target-wide budget. */
    DataBudget(long limit) {
        this(limit, null);
    }

    /** A connection's budget, drawing on {@code shared} as well. */
    DataBudget(long limit, DataBudget shared) {
        this.limit = limit;
        this.shared = shared;
    }

    private boolean fits(long n) {
        return used == 0 || used + n <= limit;
    }

    /** Takes {@code n} bytes if they fit now, here and in the shared budget; false (nothing taken) if not. */
    synchronized boolean tryTake(long n) {
        if (n == 0) return true;
        if (!fits(n)) return false;
        if (shared != null && !shared.tryTake(n)) return false;
        used += n;
        return true;
    }

    /**
     * Takes {@code n} bytes, waiting for this connection's own commands to give theirs back when they do
     * not fit here; false (nothing taken) when they do not fit in the shared budget. Waiting on the
     * shared budget would make one connection wait for others, whose initiators may not be reading
     * (and meanwhile nobody reads this connection's keepalive answers).
     */
    boolean take(long n) throws InterruptedException {
        if (n == 0) return true;
        synchronized (this) {
            while (!fits(n)) wait();
            used += n;
        }
        if (shared == null || shared.tryTake(n)) return true;
        giveHere(n);
        return false;
    }

    void give(long n) {
        if (n == 0) return;
        giveHere(n);
        if (shared != null) shared.give(n);
    }

    private synchronized void giveHere(long n) {
        used -= n;
        notifyAll();
    }

    synchronized long used() {
        return used;
    }
}
