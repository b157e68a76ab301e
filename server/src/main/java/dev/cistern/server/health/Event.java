package dev.cistern.server.health;

import java.time.Instant;

/**
 * Something that happened, kept for the record: a login or failed login, a configuration change, a container
 * created or deleted, a service restarted, an alert raised.
 *
 * @param type short kind for filtering: "login", "login-failed", "config", "container", "service", "alert"
 * @param user who did it, or null for the server itself
 */
public record Event(long id, Instant at, String type, String user, String message) {
}
