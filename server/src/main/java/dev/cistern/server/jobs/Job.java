package dev.cistern.server.jobs;

import dev.cistern.engine.CleanMode;
import dev.cistern.engine.Progress;

import java.time.Clock;
import java.time.Instant;

/**
 * One run of a clean or verify. The engine reports progress from its working thread through
 * {@link Progress} and asks it between units of work whether to stop; pollers read a consistent
 * {@link JobView} snapshot.
 */
public final class Job implements Progress {
    private final long id;
    private final JobKind kind;
    /** Null for a verify. */
    private final CleanMode cleanMode;
    private final String startedBy;
    private final Instant startedAt;
    private final Clock clock;
    private JobState state = JobState.RUNNING;
    private String phase = "starting";
    private long done;
    private long total;
    private Instant finishedAt;
    private Object report;
    private String error;
    private String cancelledBy;
    /** Read by the engine's thread between units of work, without the lock. */
    private volatile boolean cancelRequested;

    Job(long id, JobKind kind, CleanMode cleanMode, String startedBy, Clock clock) {
        this.id = id;
        this.kind = kind;
        this.cleanMode = cleanMode;
        this.startedBy = startedBy;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public long id() {
        return id;
    }

    public JobKind kind() {
        return kind;
    }

    /** The mode of a clean job; null for a verify. */
    public CleanMode cleanMode() {
        return cleanMode;
    }

    @Override
    public synchronized void update(long done, long total, String phase) {
        this.done = done;
        this.total = total;
        this.phase = phase;
    }

    synchronized void succeed(Object report) {
        state = JobState.SUCCEEDED;
        phase = "done";
        if (total > 0) done = total;
        this.report = report;
        finishedAt = clock.instant();
    }

    @Override
    public boolean cancelled() {
        return cancelRequested;
    }

    /** Asks the engine to stop at its next check; false if the job has already ended. The first asker is kept. */
    synchronized boolean requestCancel(String by) {
        if (state != JobState.RUNNING) return false;
        if (cancelledBy == null) cancelledBy = by;
        cancelRequested = true;
        return true;
    }

    synchronized void endCancelled(String howFar) {
        state = JobState.CANCELLED;
        this.error = howFar;
        finishedAt = clock.instant();
    }

    synchronized void fail(String error) {
        state = JobState.FAILED;
        this.error = error;
        finishedAt = clock.instant();
    }

    public synchronized boolean running() {
        return state == JobState.RUNNING;
    }

    public synchronized JobView view() {
        double pct = total > 0 ? Math.min(100.0, 100.0 * done / total) : (state == JobState.SUCCEEDED ? 100.0 : 0.0);
        String mode = cleanMode == null ? null : cleanMode.name().toLowerCase(java.util.Locale.ROOT);
        return new JobView(id, kind.wireName(), mode, state, phase, done, total, Math.round(pct * 10) / 10.0, startedBy,
                startedAt, finishedAt, report, error, cancelledBy);
    }
}
