package dev.cistern.server.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.server.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the management services behave. Read from the optional {@code <data>/config/management.json}; any field it
 * leaves out keeps its default, so an admin writes only what they change, for example
 * {@code {"webhook": "https://chat.example/hooks/x", "capacityWarnPercent": 75}}.
 *
 * @param sampleInterval        how often the monitor samples counters (the charts' finest step; whole seconds)
 * @param checkInterval         how often the health monitor checks for alert conditions
 * @param capacityWarnPercent   a warning when the data file system is fuller than this
 * @param capacityCriticalPercent a critical alert above this
 * @param quotaWarnPercent      a warning when a storage group has used this much of its quota
 * @param certificateWarning    a warning when the TLS certificate expires within this
 * @param retention             how long events and cleared alerts are kept
 * @param maxEvents             at most this many events are kept
 * @param webhook               where new alerts are POSTed as JSON, or null
 */
public record MgmtSettings(Duration sampleInterval, Duration checkInterval, int capacityWarnPercent,
                           int capacityCriticalPercent, int quotaWarnPercent, Duration certificateWarning,
                           Duration retention, int maxEvents, URI webhook) {

    public MgmtSettings {
        if (sampleInterval.toSeconds() < 1) throw invalid("sampleInterval must be at least 1 second, got " + sampleInterval);
        if (capacityWarnPercent < 1 || capacityWarnPercent > capacityCriticalPercent || capacityCriticalPercent > 100) {
            throw invalid("need 1 <= capacityWarnPercent <= capacityCriticalPercent <= 100, got "
                    + capacityWarnPercent + " and " + capacityCriticalPercent);
        }
        if (quotaWarnPercent < 1 || quotaWarnPercent > 100) throw invalid("quotaWarnPercent must be 1-100, got " + quotaWarnPercent);
        if (maxEvents < 100) throw invalid("maxEvents must be at least 100, got " + maxEvents);
        if (webhook != null && !("https".equals(webhook.getScheme()) || "http".equals(webhook.getScheme()))) {
            throw invalid("webhook must be an http or https URL, got " + webhook);
        }
    }

    public static MgmtSettings defaults() {
        return new MgmtSettings(Duration.ofSeconds(5), Duration.ofSeconds(10), 80, 90, 90, Duration.ofDays(30),
                Duration.ofDays(90), 100_000, null);
    }

    /** Fast sampling and checks so tests see results within a second or two. */
    public static MgmtSettings forTests() {
        return defaults().with(Duration.ofSeconds(1), Duration.ofMillis(200));
    }

    public MgmtSettings with(Duration sample, Duration check) {
        return new MgmtSettings(sample, check, capacityWarnPercent, capacityCriticalPercent, quotaWarnPercent,
                certificateWarning, retention, maxEvents, webhook);
    }

    public MgmtSettings withWebhook(URI url) {
        return new MgmtSettings(sampleInterval, checkInterval, capacityWarnPercent, capacityCriticalPercent,
                quotaWarnPercent, certificateWarning, retention, maxEvents, url);
    }

    /** {@code base} overridden by the fields present in {@code file}, if it exists. */
    public static MgmtSettings load(Path file, MgmtSettings base) {
        if (!Files.exists(file)) return base;
        try {
            JsonNode n = Json.mapper().readTree(file.toFile());
            return new MgmtSettings(
                    seconds(n, "sampleIntervalSeconds", base.sampleInterval),
                    seconds(n, "checkIntervalSeconds", base.checkInterval),
                    n.path("capacityWarnPercent").asInt(base.capacityWarnPercent),
                    n.path("capacityCriticalPercent").asInt(base.capacityCriticalPercent),
                    n.path("quotaWarnPercent").asInt(base.quotaWarnPercent),
                    n.has("certificateWarningDays") ? Duration.ofDays(n.get("certificateWarningDays").asLong()) : base.certificateWarning,
                    n.has("retentionDays") ? Duration.ofDays(n.get("retentionDays").asLong()) : base.retention,
                    n.path("maxEvents").asInt(base.maxEvents),
                    n.hasNonNull("webhook") ? URI.create(n.get("webhook").asText()) : base.webhook);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read management settings " + file + ": " + e.getMessage()
                    + "; fix the JSON or remove the file to use the defaults", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid management settings in " + file + ": " + e.getMessage(), e);
        }
    }

    private static Duration seconds(JsonNode n, String field, Duration dflt) {
        return n.has(field) ? Duration.ofSeconds(n.get(field).asLong()) : dflt;
    }

    private static IllegalArgumentException invalid(String msg) {
        return new IllegalArgumentException(msg);
    }
}
