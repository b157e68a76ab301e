package dev.cistern.server;

import dev.cistern.engine.Engine;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.jobs.JobManager;
import dev.cistern.server.tls.TlsKeyStore;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * What a protocol front end may use. The engine is a supplier: the watcher may restart it, so front ends
 * fetch it when they need it rather than keeping one instance.
 */
public record ServerContext(Supplier<Engine> engine, ConfigService config, JobManager jobs, TlsKeyStore tls,
                            DataLayout layout, Clock clock) {
}
