package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Work one thread plans while the worker threads already run what it planned: a restore finds the
 * chunks of its next megabyte while the last one decodes, instead of leaving the other cores idle for
 * the seventh of a restore that planning takes. Once done planning, the planning thread runs what is
 * left itself, so the read finishes even when every worker is busy with ingest.
 */
final class PlannedWork {
    /** Tells a worker that planning is done and nothing is left for it. */
    private static final Runnable END = () -> { };

    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final List<Future<?>> helpers = new ArrayList<>();
    /** Per helper: set by the helper as it starts, or by {@link #finish} to keep it from starting. */
    private final List<AtomicBoolean> claimed = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private final ExecutorService workers;
    private final int helperCount;
    private int added;

    PlannedWork(ExecutorService workers, int helpers) {
        this.workers = workers;
        this.helperCount = helpers;
    }

    /**
     * Queues {@code task}; once one task failed, the rest are skipped and the failure is thrown by
     * {@link #finish}. Workers are called in with the second task: a read of one run (a random 64 KiB
     * block read) is done on this thread without a hand-off.
     */
    void add(Runnable task) {
        queue.add(task);
        if (++added == 2) {
            for (int i = 0; i < helperCount; i++) {
                var mine = new AtomicBoolean();
                Future<?> helper;
                try {
                    helper = workers.submit(() -> {
                        if (!mine.compareAndSet(false, true)) return; // finish() ran everything already
                        try {
                            for (Runnable t; (t = queue.take()) != END; ) run(t);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    break; // the engine is closing: this thread does the work alone
                }
                claimed.add(mine);
                this.helpers.add(helper);
            }
        }
    }

    /**
     * Runs what is still queued on this thread too, waits for the workers, and rethrows the first failure.
     * Workers not started yet are not waited for, and will not start.
     */
    void finish() {
        for (int i = 0; i < helpers.size(); i++) queue.add(END);
        for (Runnable t; (t = queue.poll()) != null; ) {
            if (t == END) {
                queue.add(END); // every task before it is taken: leave the marker to its worker
                break;
            }
            run(t);
        }
        for (int i = 0; i < helpers.size(); i++) {
            // a helper still waiting for a thread (all busy with ingest) is not waited for
            if (claimed.get(i).compareAndSet(false, true)) continue;
            awaitUninterruptibly(helpers.get(i));
        }
        Throwable f = failure.get();
        if (f == CANCELLED || f == null) return;
        if (f instanceof RuntimeException re) throw re;
        if (f instanceof Error e) throw e;
        throw new EngineException(EngineException.Reason.IO_ERROR, "worker failed: " + f, f);
    }

    /**
     * Waits for {@code f} even when interrupted (then keeps the interrupt for the caller): the work may
     * write into the caller's arrays, which must be left alone once the call returns.
     */
    static void awaitUninterruptibly(Future<?> f) {
        boolean interrupted = false;
        while (true) {
            try {
                f.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | CancellationException e) {
                break; // the task's own failures are kept by run()
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** Skips the tasks not started yet: the planner failed, nobody wants their bytes. */
    void cancel() {
        failure.compareAndSet(null, CANCELLED);
    }

    /** Marks a cancelled run; never thrown. */
    private static final Throwable CANCELLED = new Throwable("cancelled", null, false, false) { };

    private void run(Runnable t) {
        if (failure.get() != null) return;
        try {
            t.run();
        } catch (Throwable e) {
            failure.compareAndSet(null, e);
        }
    }
}
