package dev.cistern.server.service;

import java.time.Instant;

/**
 * A snapshot of one registered service for system info.
 *
 * @param restarts      how many times the watcher restarted it since the server started
 * @param lastFailure   what went wrong the last time it failed, or null
 * @param lastFailureAt when that was, or null
 */
public record ServiceStatus(String name, ServiceState state, Health health, int restarts, String lastFailure,
                            Instant lastFailureAt) {
}
