package dev.cistern.server.monitor;

import java.time.Instant;
import java.util.Map;

/** The latest reading of every subject, for {@code /metrics}. Empty until the first sample. */
public record Snapshot(Instant at, Sample server, Map<String, Sample> groups, Map<String, Sample> containers) {
    public static final Snapshot NONE = new Snapshot(null, null, Map.of(), Map.of());
}
