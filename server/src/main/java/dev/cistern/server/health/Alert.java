package dev.cistern.server.health;

import java.time.Instant;

/**
 * A condition that needs an admin's attention. {@code key} names the condition ("capacity", "service:engine",
 * "quota:g1"): while an alert with that key is active, raising it again only refreshes {@code lastSeenAt}, so a
 * check that runs every few seconds yields one alert, not thousands.
 *
 * @param clearedAt      when the condition went away by itself, or null while it holds
 * @param acknowledgedAt when an admin or operator acknowledged it, or null
 */
public record Alert(long id, String key, Severity severity, String message, Instant raisedAt, Instant lastSeenAt,
                    Instant clearedAt, Instant acknowledgedAt, String acknowledgedBy) {

    public enum Severity { WARNING, CRITICAL;

        @com.fasterxml.jackson.annotation.JsonValue
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Severity parse(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** Neither cleared nor acknowledged: shown on the dashboard and counted in /metrics. */
    public boolean active() {
        return clearedAt == null && acknowledgedAt == null;
    }

    Alert seen(Instant at, String newMessage, Severity newSeverity) {
        return new Alert(id, key, newSeverity, newMessage, raisedAt, at, null, acknowledgedAt, acknowledgedBy);
    }

    Alert cleared(Instant at) {
        return new Alert(id, key, severity, message, raisedAt, lastSeenAt, at, acknowledgedAt, acknowledgedBy);
    }

    Alert acknowledged(Instant at, String by) {
        return new Alert(id, key, severity, message, raisedAt, lastSeenAt, clearedAt, at, by);
    }
}
