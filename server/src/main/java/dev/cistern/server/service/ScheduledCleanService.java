package dev.cistern.server.service;

import dev.cistern.engine.EngineException;
import dev.cistern.server.jobs.JobKind;
import dev.cistern.server.jobs.JobManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts a clean job every day at {@code hour}:00 in the clock's zone, through the {@link JobManager} so it
 * shows in the job list like one started by hand. A day whose clean finds another one still running is
 * skipped, not queued.
 */
public final class ScheduledCleanService implements Service {
    private static final Logger log = LoggerFactory.getLogger(ScheduledCleanService.class);

    private final JobManager jobs;
    private final int hour;
    private final Clock clock;
    private ScheduledExecutorService timer;
    private volatile Instant nextRun;
    private volatile String lastOutcome = "no scheduled clean yet";

    public ScheduledCleanService(JobManager jobs, int hour, Clock clock) {
        if (hour < 0 || hour > 23) throw new IllegalArgumentException("clean hour must be 0-23, got " + hour);
        this.jobs = jobs;
        this.hour = hour;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "scheduled-clean";
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("scheduled-clean").unstarted(r));
        scheduleNext(clock.instant());
    }

    @Override
    public synchronized void stop() {
        if (timer != null) timer.shutdownNow();
        timer = null;
        nextRun = null;
    }

    @Override
    public Health health() {
        Instant n = nextRun;
        return n == null ? Health.down("no clean scheduled") : Health.up("next clean at " + n + "; " + lastOutcome);
    }

    /** The first {@code hour}:00 strictly after {@code now}. */
    static Instant nextRunAfter(ZonedDateTime now, int hour) {
        ZonedDateTime t = now.truncatedTo(ChronoUnit.DAYS).withHour(hour);
        if (!t.isAfter(now)) t = t.plusDays(1);
        return t.toInstant();
    }

    /**
     * Schedules the first run strictly after {@code after} and after now. A timer can fire a little before
     * the clock reaches the hour (its own clock is not the wall clock): the run that just fired passes its
     * own time here, or the next run was that same hour again and the clean started twice.
     */
    private synchronized void scheduleNext(Instant after) {
        if (timer == null) return;
        Instant now = clock.instant();
        Instant next = nextRunAfter(ZonedDateTime.ofInstant(after.isAfter(now) ? after : now, clock.getZone()), hour);
        nextRun = next;
        long delay = Math.max(0, Duration.between(now, next).toNanos());
        timer.schedule(() -> runClean(next), delay, TimeUnit.NANOSECONDS);
    }

    private void runClean(Instant planned) {
        try {
            long id = jobs.start(JobKind.CLEAN, "scheduler").id();
            lastOutcome = "last scheduled clean started as job " + id;
        } catch (EngineException e) {
            lastOutcome = "last scheduled clean skipped: " + e.getMessage();
            log.warn("scheduled clean skipped: {}", e.getMessage());
        } catch (RuntimeException | Error e) {
            lastOutcome = "last scheduled clean failed to start: " + e.getMessage();
            log.error("scheduled clean failed to start", e);
        } finally {
            scheduleNext(planned); // the next one is scheduled whatever became of this one
        }
    }
}
