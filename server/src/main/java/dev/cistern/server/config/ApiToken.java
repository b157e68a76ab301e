package dev.cistern.server.config;

import java.time.Instant;

/**
 * A bearer token as persisted: only the SHA-256 of the token is kept, so a stolen config file does not
 * hand out sessions.
 */
public record ApiToken(String sha256, String user, Instant createdAt, Instant expiresAt) {
    public boolean expiredAt(Instant now) {
        return !now.isBefore(expiresAt);
    }
}
