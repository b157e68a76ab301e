package dev.cistern.server.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Respawns failed services. Every {@code interval} it asks each running service for its health; a
 * service that says DOWN (or whose check throws) is stopped, recorded as failed and started again after
 * a {@link Backoff} delay that doubles with each consecutive failure. A failed restart counts as another
 * failure. A service that stays healthy for {@code backoff.max()} has its failure streak forgotten.
 *
 * <p>The watcher runs on its own single thread, so a slow restart delays other checks but never a request.
 */
public final class ServiceWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceWatcher.class);

    private final ServiceRegistry registry;
    private final Backoff backoff;
    private final Duration interval;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public ServiceWatcher(ServiceRegistry registry, Backoff backoff, Duration interval, Clock clock) {
        this.registry = registry;
        this.backoff = backoff;
        this.interval = interval;
        this.clock = clock;
    }

    public synchronized void start() {
        if (timer != null) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("watcher").unstarted(r));
        timer.scheduleWithFixedDelay(this::checkSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer == null) return;
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer = null;
    }

    private void checkSafely() {
        try {
            checkOnce();
        } catch (Throwable e) {
            // anything escaping here would cancel the periodic task: no service would be restarted again
            log.error("service watcher check failed; will try again in {}", interval, e);
        }
    }

    /** One round of health checks and due restarts. Public for tests that drive time themselves. */
    public void checkOnce() {
        Instant now = clock.instant();
        for (ServiceRegistry.Entry e : registry.entries()) {
            switch (e.state()) {
                case RUNNING -> checkRunning(e, now);
                case FAILED -> restartIfDue(e, now);
                default -> { }
            }
        }
    }

    private void checkRunning(ServiceRegistry.Entry e, Instant now) {
        Health h = e.safeHealth();
        if (h.status() != Health.Status.DOWN) {
            e.recordHealthy(now, backoff.max());
            return;
        }
        log.warn("service '{}' is down ({}); stopping it for a restart", e.name(), h.message());
        e.stop();
        e.recordFailure(h.message(), now);
        schedule(e, now);
        stopDependents(e.name(), now);
    }

    /** Stops the running services that depend on {@code name}; they restart once it runs again. */
    private void stopDependents(String name, Instant now) {
        for (ServiceRegistry.Entry d : registry.entries()) {
            if (d.service.dependsOn().contains(name) && d.state() == ServiceState.RUNNING) {
                log.warn("stopping service '{}' because '{}' it depends on failed", d.name(), name);
                d.stop();
                d.recordFailure("service '" + name + "' it depends on failed", now);
                schedule(d, now);
                stopDependents(d.name(), now);
            }
        }
    }

    private boolean dependenciesRunning(ServiceRegistry.Entry e) {
        for (String dep : e.service.dependsOn()) {
            var d = registry.find(dep);
            if (d.isPresent() && d.get().state() != ServiceState.RUNNING) return false;
        }
        return true;
    }

    private void restartIfDue(ServiceRegistry.Entry e, Instant now) {
        Instant due = e.nextAttemptAt();
        if (due == null) {
            schedule(e, now);
            return;
        }
        if (now.isBefore(due) || !dependenciesRunning(e)) return;
        e.recordRestart();
        try {
            e.start();
            log.info("service '{}' restarted after {} consecutive failure(s)", e.name(), e.consecutiveFailures());
        } catch (Exception | Error ex) {
            // an Error too (out of memory for a thread, a class that fails to load): a failed start to retry
            String why = ServiceStartException.describe(ex);
            log.error("restart of service '{}' failed: {}", e.name(), why, ex);
            e.recordFailure(why, now);
            schedule(e, now);
        }
    }

    private void schedule(ServiceRegistry.Entry e, Instant now) {
        Duration d = backoff.delay(e.consecutiveFailures());
        e.scheduleAttempt(now.plus(d));
        log.info("service '{}' will be restarted in {} ms", e.name(), d.toMillis());
    }
}
