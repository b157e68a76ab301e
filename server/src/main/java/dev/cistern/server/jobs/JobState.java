package dev.cistern.server.jobs;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** RUNNING until the engine call returns; then SUCCEEDED with a report or FAILED with an error. */
public enum JobState {
    RUNNING, SUCCEEDED, FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
