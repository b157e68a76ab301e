package dev.cistern.iscsi.session;

/**
 * The heap all connections of a target may hold for command data together: one budget for write
 * buffers, one for the Data-In of running reads; a command beyond either is answered TASK SET FULL
 * (waiting would tie one connection to others whose initiators may have stopped reading). Per-connection budgets alone still let a few dozen connections exhaust the heap
 * (15 connections with 64 MiB of writes each did so on a 1 GiB server).
 */
public final class CommandMemory {
    /**
     * The least any command or Data-Out held in memory counts for, whatever its data: its task, CDB,
     * header and bookkeeping take a few hundred bytes of heap of their own. Counted by data alone, writes
     * of one block (or one byte) waiting for data that never comes, or empty Data-Out kept for a queued
     * write, cost next to nothing and could pile up by the million.
     */
    public static final long LEAST_HELD = 1024;

    final DataBudget writes;
    final DataBudget reads;

    /** Budgets of {@code bytes} each for writes and for reads. */
    public CommandMemory(long bytes) {
        this.writes = new DataBudget(bytes);
        this.reads = new DataBudget(bytes);
    }

    /** What holding a command or Data-Out with {@code dataBytes} of data counts for in a budget. */
    static long held(long dataBytes) {
        return Math.max(dataBytes, LEAST_HELD);
    }

    /** An eighth of the maximum heap each for writes and reads, at least 64 MiB. */
    public static CommandMemory forHeap() {
        return new CommandMemory(Math.max(64L << 20, Runtime.getRuntime().maxMemory() / 8));
    }
}
