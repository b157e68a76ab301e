package dev.cistern.server.mgmt;

import com.sun.net.httpserver.HttpHandler;
import dev.cistern.engine.Engine;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.health.HealthMonitorService;
import dev.cistern.server.health.HealthStore;
import dev.cistern.server.health.Webhook;
import dev.cistern.server.http.FrontDoor;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.SecurityHeaders;
import dev.cistern.server.http.StaticFiles;
import dev.cistern.server.jobs.JobManager;
import dev.cistern.server.monitor.MonitorService;
import dev.cistern.server.service.ServiceRegistry;
import dev.cistern.server.tls.TlsKeyStore;

import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The management plane, wired once: the monitor and health services, the alerts and events database, the audit
 * filter, the extra REST resources, {@code /metrics} and the web UI. {@code CisternServer}
 * registers {@link #monitor()} and {@link #health()} as services and serves {@link #frontDoor}; nothing here
 * registers itself.
 *
 * <pre>
 *   stats/*.rrd            round-robin databases behind the charts
 *   health/alerts.json     alerts
 *   health/events.json     events
 *   health/running         exists while the server runs (unclean-shutdown detection)
 * </pre>
 */
public final class Management {
    private final MgmtSettings settings;
    private final ConfigService config;
    private final ServiceRegistry services;
    private final HealthStore store;
    private final MonitorService monitor;
    private final HealthMonitorService health;
    private final Path logDir;
    private final RefusedLogins refusedLogins;

    public Management(MgmtSettings settings, Path dataDir, Supplier<Engine> engine, ConfigService config,
                      ServiceRegistry services, JobManager jobs, TlsKeyStore tls, Clock clock) {
        this.settings = settings;
        this.config = config;
        this.services = services;
        Path healthDir = dataDir.resolve("health");
        this.logDir = dataDir.resolve("logs");
        this.refusedLogins = new RefusedLogins(clock, AuditFilter.REFUSED_PER_MINUTE);
        this.store = new HealthStore(healthDir, clock, settings.retention(), settings.maxEvents());
        if (settings.webhook() != null) {
            Webhook hook = new Webhook(settings.webhook());
            store.onRaise(hook::send);
        }
        this.monitor = new MonitorService(dataDir.resolve("stats"), engine, settings.sampleInterval(), clock);
        this.health = new HealthMonitorService(store, healthDir, dataDir, engine, services, jobs, () -> tls.certificate(),
                settings, clock);
        // on the health checks' timer: an attack that just stops has no later refusal to write its count
        health.alsoEachCheck(() -> recordRefusedLogins(false));
    }

    private void recordRefusedLogins(boolean stopping) {
        String summary = refusedLogins.summaryDue(stopping);
        if (summary != null) store.event("login-failed", null, summary);
    }

    /** Called once the server's services are stopped: records what is still pending (refused logins counted). */
    public void stopped() {
        try {
            recordRefusedLogins(true);
        } catch (RuntimeException e) {
            // the stop goes on: the audit log has a line for each refusal
            LoggerFactory.getLogger(Management.class).warn("cannot record the count of refused logins at stop: {}", e.getMessage());
        }
    }

    public MonitorService monitor() {
        return monitor;
    }

    public HealthMonitorService health() {
        return health;
    }

    public HealthStore store() {
        return store;
    }

    public MgmtSettings settings() {
        return settings;
    }

    /** Adds the management routes (charts, alerts, events, logs) to the API router. */
    public Router addRoutes(Router router) {
        for (var res : List.of(new ChartResource(monitor), new AlertResource(store), new EventResource(store),
                new LogResource(logDir))) {
            res.register(router);
        }
        return router;
    }

    /** What listens on the HTTPS port: the audited API, /metrics and the UI's files, all with the security headers. */
    public HttpHandler frontDoor(Router api) {
        return new SecurityHeaders(new FrontDoor(new AuditFilter(addRoutes(api), config, store, refusedLogins),
                new MetricsHandler(config, monitor, services, store), new StaticFiles()));
    }
}
