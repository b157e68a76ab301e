package dev.cistern.server.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * RUNNING until the engine call returns; then SUCCEEDED with a report, FAILED with an error, or CANCELLED (on
 * request, see {@link JobManager#cancel}) with how far it got.
 */
public enum JobState {
    RUNNING, SUCCEEDED, FAILED, CANCELLED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
