package dev.cistern.server.jobs;

import dev.cistern.engine.CleanMode;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Runs cleans and verifies on their own threads and keeps the last {@value #KEPT} jobs for polling. At
 * most one job of each kind runs at a time: a second request is refused as BUSY naming the running job,
 * rather than queued, so an admin sees what is happening. Jobs live in memory; a restart forgets them.
 */
public final class JobManager {
    static final int KEPT = 100;
    private static final Logger log = LoggerFactory.getLogger(JobManager.class);

    private final Supplier<Engine> engine;
    private final Clock clock;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Job> jobs = new LinkedHashMap<>();

    public JobManager(Supplier<Engine> engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    /** Starts a job (a clean in THRESHOLD mode); BUSY if one of the same kind is running. */
    public Job start(JobKind kind, String startedBy) {
        return start(kind, kind == JobKind.CLEAN ? CleanMode.THRESHOLD : null, startedBy);
    }

    /** Starts a clean in {@code mode}; BUSY if a clean is running, whatever its mode. */
    public Job startClean(CleanMode mode, String startedBy) {
        return start(JobKind.CLEAN, mode, startedBy);
    }

    private synchronized Job start(JobKind kind, CleanMode mode, String startedBy) {
        for (Job j : jobs.values()) {
            if (j.kind() == kind && j.running()) {
                throw new EngineException(EngineException.Reason.BUSY, "a " + kind.wireName()
                        + " is already running as job " + j.id() + "; poll GET /api/v1/jobs/" + j.id());
            }
        }
        Engine e = engine.get();
        Job job = new Job(ids.incrementAndGet(), kind, mode, startedBy, clock);
        jobs.put(job.id(), job);
        // the oldest finished ones go: a running job stays findable (to poll or cancel) however many end after it
        for (var it = jobs.values().iterator(); jobs.size() > KEPT && it.hasNext(); ) {
            if (!it.next().running()) it.remove();
        }
        Thread.ofPlatform().daemon().name("job-" + job.id() + "-" + kind.wireName()).start(() -> run(e, job));
        log.info("job {} ({}{}) started by {}", job.id(), kind.wireName(), mode == null ? "" : ", " + mode, startedBy);
        return job;
    }

    private void run(Engine e, Job job) {
        try {
            Object report = switch (job.kind()) {
                case CLEAN -> e.clean(job.cleanMode(), job);
                case VERIFY -> e.verify(job);
            };
            job.succeed(report);
            log.info("job {} ({}) finished: {}", job.id(), job.kind().wireName(), report);
        } catch (RuntimeException | Error ex) {
            // an Error too: a job left RUNNING would refuse every later job of its kind as BUSY
            String why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            if (ex instanceof EngineException ee && ee.reason() == EngineException.Reason.CANCELLED) {
                job.endCancelled(why);
                log.info("job {} ({}) cancelled: {}", job.id(), job.kind().wireName(), why);
                return;
            }
            job.fail(why);
            log.error("job {} ({}) failed: {}", job.id(), job.kind().wireName(), why, ex);
        }
    }

    /**
     * Asks a running job to stop. The engine checks between units of work (a clean between chunk containers,
     * so nothing is lost), and the job ends CANCELLED shortly after, or SUCCEEDED if it was about to finish.
     * False if the job had already ended.
     */
    public boolean cancel(Job job, String by) {
        if (!job.requestCancel(by)) return false;
        log.info("job {} ({}) cancellation requested by {}", job.id(), job.kind().wireName(), by);
        return true;
    }

    public synchronized Optional<Job> job(long id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** Newest first. */
    public synchronized List<Job> jobs() {
        List<Job> l = new ArrayList<>(jobs.values());
        java.util.Collections.reverse(l);
        return l;
    }
}
