package dev.cistern.server.http;

import dev.cistern.engine.Engine;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.health.HealthStore;
import dev.cistern.server.jobs.JobManager;
import dev.cistern.server.service.ServiceRegistry;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What REST resources work with. The engine is a supplier because the watcher may replace it; resources
 * fetch it per request.
 *
 * @param certificateFingerprint SHA-256 of the server's TLS certificate, shown so users can check their pin
 * @param passwordChecks         the server-wide bound on password checks a client can ask for
 * @param health                 the alerts and events database, for what only a resource sees (a storage
 *                               group's passphrase back-off); the audit filter records the rest
 */
public record ApiContext(Supplier<Engine> engine, ConfigService config, JobManager jobs, ServiceRegistry services,
                         Clock clock, Instant startedAt, Path dataDir, String certificateFingerprint,
                         PasswordCheckGate passwordChecks, HealthStore health) {
}
