package dev.cistern.server.health;

import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.engine.VerifyReport;
import dev.cistern.server.jobs.JobKind;
import dev.cistern.server.jobs.JobManager;
import dev.cistern.server.jobs.JobState;
import dev.cistern.server.jobs.JobView;
import dev.cistern.server.mgmt.MgmtSettings;
import dev.cistern.server.service.Health;
import dev.cistern.server.service.Service;
import dev.cistern.server.service.ServiceRegistry;
import dev.cistern.server.service.ServiceState;
import dev.cistern.server.service.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Turns conditions into alerts. Every {@code checkInterval} it looks at the data file system's fill level, each
 * storage group's quota, the state and restart count of every service, the TLS certificate's expiry and the
 * reports of finished verify jobs; a condition that holds raises (or refreshes) its alert, one that went away
 * clears it. A restart is an event as well as an alert that stays until acknowledged, because the watcher may
 * have fixed the service before anyone looked.
 *
 * <p>A marker file {@code health/running} exists while the server runs; finding it at start means the previous
 * process died without stopping (killed, crashed, power loss), which is raised as an alert too.
 */
public final class HealthMonitorService implements Service {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitorService.class);
    private static final Duration PRUNE_EVERY = Duration.ofHours(1);

    private final HealthStore store;
    private final Path healthDir;
    private final Path dataDir;
    private final Supplier<Engine> engine;
    private final ServiceRegistry services;
    private final JobManager jobs;
    private final Supplier<X509Certificate> certificate;
    private final MgmtSettings settings;
    private final Clock clock;
    private final Map<String, Integer> restartsSeen = new HashMap<>();
    private final Set<Long> verifiesSeen = new HashSet<>();
    private Instant lastPrune = Instant.EPOCH;
    private volatile String lastError;
    private ScheduledExecutorService timer;
    private volatile Runnable alsoEachCheck = () -> { };

    /** This process wrote the marker: a restart of this service by the watcher is no unclean shutdown. */
    private boolean markerOurs;

    public HealthMonitorService(HealthStore store, Path healthDir, Path dataDir, Supplier<Engine> engine,
                                ServiceRegistry services, JobManager jobs, Supplier<X509Certificate> certificate,
                                MgmtSettings settings, Clock clock) {
        this.store = store;
        this.healthDir = healthDir;
        this.dataDir = dataDir;
        this.engine = engine;
        this.services = services;
        this.jobs = jobs;
        this.certificate = certificate;
        this.settings = settings;
        this.clock = clock;
    }

    /** Work of the management plane's to run at the end of every round of checks (wired by Management). */
    public void alsoEachCheck(Runnable task) {
        this.alsoEachCheck = task;
    }

    @Override
    public String name() {
        return "health";
    }

    @Override
    public synchronized void start() throws IOException {
        Path marker = healthDir.resolve("running");
        Files.createDirectories(healthDir);
        if (Files.exists(marker) && !markerOurs && timer == null && restartsSeen.isEmpty()) {
            store.raise("unclean-shutdown", Alert.Severity.WARNING, "the server process ended without stopping"
                    + " (killed or crashed) before its start at " + clock.instant() + "; check the log and run 'cistern verify'");
        }
        Files.writeString(marker, clock.instant().toString());
        markerOurs = true;
        timer = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("health").unstarted(r));
        timer.scheduleWithFixedDelay(this::checkSafely, 0, settings.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for a running check without holding this monitor, which the check itself holds. */
    @Override
    public void stop() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = timer;
            timer = null;
        }
        if (t == null) return;
        t.shutdownNow();
        try {
            t.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Removes the marker {@link #start()} wrote: called once every service has stopped, not by {@link #stop()}.
     * This monitor stops first, so a process killed later in its stop (an engine close or a front end that hung,
     * a service manager's SIGKILL after its timeout) was not reported as an unclean shutdown at the next start.
     */
    public void stoppedCleanly() {
        try {
            Files.deleteIfExists(healthDir.resolve("running"));
        } catch (IOException e) {
            log.warn("cannot remove {}; the next start will report an unclean shutdown", healthDir.resolve("running"));
        }
    }

    private void checkSafely() {
        try {
            checkOnce();
            lastError = null;
        } catch (RuntimeException | Error e) {
            // caught whatever it is: one escaping would cancel the checks for good
            lastError = String.valueOf(e.getMessage());
            log.warn("health check failed; will try again in {}", settings.checkInterval(), e);
        }
    }

    /** One round of checks. Public for tests. */
    public synchronized void checkOnce() {
        try {
            checks();
        } finally {
            // even when a check failed: it may fail every round (a disk error), and this work is not a check
            try {
                alsoEachCheck.run();
            } catch (RuntimeException e) {
                log.warn("work run after the health checks failed", e);
            }
        }
    }

    private void checks() {
        store.saveIfUnsaved();
        checkServices();
        checkCapacity();
        checkCertificate();
        try {
            Engine e = engine.get();
            List<StorageGroupInfo> groups = e.listGroups();
            checkQuotas(e, groups);
            checkLockedGroups(groups);
            clearAlertsOfDeletedGroups(groups);
        } catch (EngineException e) {
            log.debug("storage group checks skipped: {}", e.getMessage());
        }
        checkVerifies();
        Instant now = clock.instant();
        if (Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) >= 0) {
            store.prune();
            lastPrune = now;
        }
    }

    private void checkServices() {
        for (ServiceStatus s : services.statusesOtherThan(name())) {
            String key = "service:" + s.name();
            if (s.state() == ServiceState.FAILED) {
                store.raise(key, Alert.Severity.CRITICAL, "service '" + s.name() + "' is down: " + s.lastFailure()
                        + "; the watcher is restarting it, see 'cistern system show'");
            } else if (s.state() == ServiceState.RUNNING) {
                store.clear(key);
            }
            int seen = restartsSeen.getOrDefault(s.name(), 0);
            if (s.restarts() > seen) {
                String msg = "service '" + s.name() + "' was restarted by the watcher (" + s.restarts()
                        + " restart(s) since the server started); last failure: " + s.lastFailure();
                store.event("service", null, msg);
                store.raise("restart:" + s.name(), Alert.Severity.WARNING, msg);
            }
            restartsSeen.put(s.name(), s.restarts());
        }
    }

    private void checkCapacity() {
        try {
            FileStore fs = Files.getFileStore(dataDir);
            long total = fs.getTotalSpace();
            if (total <= 0) return;
            long free = fs.getUsableSpace();
            long used = total - free;
            double pct = 100.0 * used / total;
            String msg = String.format(java.util.Locale.ROOT, "the data file system of %s is %.1f%% full (%d of %d bytes used)",
                    dataDir, pct, used, total);
            long needed = engineMinFree();
            if (free < needed) {
                // whatever the percentage (on a small disk the engine's reserve is a good part of it): backups fail now
                store.raise("capacity", Alert.Severity.CRITICAL, String.format(java.util.Locale.ROOT,
                        "the data file system of %s is full: %d bytes free, less than the %d the engine keeps for its"
                                + " metadata, so new backup data is refused ('disk full'); delete old backups and run"
                                + " 'cistern clean', or add storage (%.1f%% used)", dataDir, free, needed, pct));
            } else if (pct >= settings.capacityCriticalPercent()) {
                store.raise("capacity", Alert.Severity.CRITICAL, msg + "; free space now: run 'cistern clean' or add storage");
            } else if (pct >= settings.capacityWarnPercent()) {
                store.raise("capacity", Alert.Severity.WARNING, msg + "; plan for more storage or delete old backups");
            } else {
                store.clear("capacity");
            }
        } catch (IOException e) {
            store.raise("capacity", Alert.Severity.WARNING, "cannot read the fill level of " + dataDir + ": " + e.getMessage());
        }
    }

    /** The engine's {@link Engine#minFreeBytes()}, or 0 while it is not running. */
    private long engineMinFree() {
        try {
            return engine.get().minFreeBytes();
        } catch (EngineException e) {
            return 0;
        }
    }

    /**
     * An encrypted group comes up locked after every restart (its key is wrapped by a passphrase the
     * server does not keep): until someone unlocks it, backups to it fail and verify cannot decrypt it.
     */
    private void checkLockedGroups(List<StorageGroupInfo> groups) {
        for (StorageGroupInfo g : groups) {
            String key = "locked:" + g.name();
            if (g.locked()) {
                store.raise(key, Alert.Severity.CRITICAL, "encrypted storage group '" + g.name() + "' is locked since the"
                        + " server started: writes to it fail and verify checks only its checksums; unlock it with"
                        + " 'cistern storage-group unlock " + g.name() + "'");
            } else {
                store.clear(key);
            }
        }
    }

    /** A group's quota or lock alert goes with the group. */
    private void clearAlertsOfDeletedGroups(List<StorageGroupInfo> listed) {
        Set<String> groups = new HashSet<>();
        for (StorageGroupInfo g : listed) groups.add(g.name());
        for (Alert a : store.alerts()) {
            if (a.clearedAt() != null) continue;
            for (String prefix : new String[] {"quota:", "locked:"}) {
                if (a.key().startsWith(prefix) && !groups.contains(a.key().substring(prefix.length()))) store.clear(a.key());
            }
        }
    }

    private void checkQuotas(Engine e, List<StorageGroupInfo> groups) {
        for (StorageGroupInfo g : groups) {
            String key = "quota:" + g.name();
            if (g.quotaBytes() <= 0) {
                store.clear(key);
                continue;
            }
            long stored = e.groupStats(g.name()).storedBytes();
            double pct = 100.0 * stored / g.quotaBytes();
            if (pct >= settings.quotaWarnPercent()) {
                store.raise(key, pct >= 100 ? Alert.Severity.CRITICAL : Alert.Severity.WARNING,
                        String.format(java.util.Locale.ROOT, "storage group '%s' has used %.0f%% of its quota (%d of %d bytes);"
                                + " raise it with 'cistern storage-group set %s --quota ...' or delete data", g.name(), pct, stored,
                                g.quotaBytes(), g.name()));
            } else {
                store.clear(key);
            }
        }
    }

    private void checkCertificate() {
        Instant notAfter = certificate.get().getNotAfter().toInstant();
        Duration left = Duration.between(clock.instant(), notAfter);
        if (left.compareTo(settings.certificateWarning()) < 0) {
            store.raise("certificate", left.isNegative() ? Alert.Severity.CRITICAL : Alert.Severity.WARNING,
                    "the HTTPS certificate " + (left.isNegative() ? "expired" : "expires") + " at " + notAfter
                            + "; replace tls/server.p12 (or move it away to get a new self-signed one) and restart");
        } else {
            store.clear("certificate");
        }
    }

    private void checkVerifies() {
        for (var job : jobs.jobs()) {
            JobView v = job.view();
            if (job.kind() != JobKind.VERIFY || v.state() != JobState.SUCCEEDED || !verifiesSeen.add(job.id())) continue;
            if (v.report() instanceof VerifyReport r && !r.clean()) {
                store.raise("verify:" + job.id(), Alert.Severity.CRITICAL, "verify job " + job.id() + " found "
                        + r.damagedChunks() + " damaged chunk(s); damaged entries: " + r.damagedEntries()
                        + "; restore them from another copy");
            }
        }
    }

    @Override
    public Health health() {
        if (timer == null) return Health.down("not running");
        String err = lastError;
        return err == null ? Health.up("checking every " + settings.checkInterval()) : Health.degraded("last check failed: " + err);
    }
}
