package dev.cistern.server.jobs;

import java.time.Instant;

/**
 * A job as the REST API shows it.
 *
 * @param mode        a clean's mode ({@code threshold} or {@code full}); null for a verify
 * @param report      the engine's CleanReport or VerifyReport once SUCCEEDED, else null
 * @param error       what went wrong once FAILED, how far it got once CANCELLED, else null
 * @param cancelledBy who asked to cancel it (set while a RUNNING job winds down), else null
 */
public record JobView(long id, String kind, String mode, JobState state, String phase, long done, long total, double percent,
                      String startedBy, Instant startedAt, Instant finishedAt, Object report, String error,
                      String cancelledBy) {
}
