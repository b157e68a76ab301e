package dev.cistern.server.monitor;

import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.Stats;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.server.service.Health;
import dev.cistern.server.service.Service;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Samples the engine's counters (server, every storage group, every container) every {@code interval} into a
 * {@link StatsDatabase} and keeps the latest {@link Snapshot} for {@code /metrics}. A sample that cannot be taken
 * (the engine is restarting) is skipped; the chart shows a gap there. Sampling runs on its own thread and never
 * on a request thread.
 */
public final class MonitorService implements Service {
    private static final Logger log = LoggerFactory.getLogger(MonitorService.class);

    private final Path dir;
    private final Supplier<Engine> engine;
    private final Duration interval;
    private final Clock clock;
    private volatile StatsDatabase db;
    private volatile Snapshot latest = Snapshot.NONE;
    private volatile String lastError;
    /** The subjects of the last sample: files are pruned only when they change, not at every sample. */
    private volatile java.util.Set<String> lastSubjects = java.util.Set.of();
    private ScheduledExecutorService timer;

    public MonitorService(Path dir, Supplier<Engine> engine, Duration interval, Clock clock) {
        this.dir = dir;
        this.engine = engine;
        this.interval = interval;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "monitor";
    }

    @Override
    public synchronized void start() {
        db = new StatsDatabase(dir, Math.max(1, interval.toSeconds()));
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("monitor").unstarted(r));
        timer.scheduleWithFixedDelay(this::sampleSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
        if (db != null) db.close();
        db = null;
    }

    private void sampleSafely() {
        try {
            sampleOnce();
            lastError = null;
        } catch (EngineException e) {
            lastError = e.getMessage();
            log.debug("statistics sample skipped: {}", e.getMessage());
        } catch (RuntimeException | Error e) {
            // caught whatever it is: one escaping would cancel the sampling for good; the same failure
            // again (a full disk, every few seconds) is one line, not a stack trace each time
            String message = String.valueOf(e.getMessage());
            if (message.equals(lastError)) log.warn("statistics sample failed again: {}", message);
            else log.warn("statistics sample failed; will try again in {}", interval, e);
            lastError = message;
        }
    }

    /** Takes one sample now. Public so tests can sample without waiting. */
    public void sampleOnce() {
        StatsDatabase d = db;
        if (d == null) throw new IllegalStateException("the monitor service is not running");
        Engine e = engine.get();
        Instant now = clock.instant();
        Sample server = sample(e.stats(), e.freeBytes());
        Map<String, Sample> groups = new LinkedHashMap<>();
        for (StorageGroupInfo g : e.listGroups()) groups.put(g.name(), sample(e.groupStats(g.name()), -1));
        Map<String, Sample> containers = new LinkedHashMap<>();
        for (ContainerInfo c : e.listContainers(null)) containers.put(c.name(), sample(e.containerStats(c.name()), -1));
        latest = new Snapshot(now, server, groups, containers);
        // each subject on its own: one file that cannot be written (disk full) does not stop the others
        Map<Subject, Sample> all = new LinkedHashMap<>();
        all.put(Subject.SERVER, server);
        groups.forEach((n, s) -> all.put(Subject.group(n), s));
        containers.forEach((n, s) -> all.put(Subject.container(n), s));
        RuntimeException first = null;
        for (var entry : all.entrySet()) {
            try {
                d.record(entry.getKey(), now, entry.getValue());
            } catch (RuntimeException failed) {
                if (first == null) first = failed;
                else first.addSuppressed(failed);
            }
        }
        java.util.Set<String> live = new java.util.HashSet<>();
        for (Subject s : all.keySet()) live.add(s.fileName());
        if (!live.equals(lastSubjects)) {
            d.forgetAllBut(live); // deleted groups and containers: their files go, and so do their open handles
            lastSubjects = live;
        }
        if (first != null) throw first;
    }

    private static Sample sample(Stats s, long free) {
        return new Sample(s.logicalBytes(), s.uniqueBytes(), s.storedBytes(), free, s.bytesWritten(), s.bytesRead());
    }

    public Snapshot latest() {
        return latest;
    }

    /** A chart's series; refused while the service is stopped. */
    public Series series(Subject subject, ChartRange range) {
        StatsDatabase d = db;
        if (d == null) {
            throw new EngineException(EngineException.Reason.CLOSED,
                    "the monitor service is not running; see 'cistern system show' and the server log");
        }
        return d.series(subject, range, clock.instant());
    }

    @Override
    public Health health() {
        if (db == null) return Health.down("not running");
        Instant at = latest.at();
        String err = lastError;
        if (err != null) return Health.degraded("last sample failed: " + err);
        return at == null ? Health.up("waiting for the first sample") : Health.up("last sample at " + at);
    }
}
