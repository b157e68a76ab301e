package dev.cistern.server.config;

import java.time.Instant;

/** A fresh bearer token; the token itself is only ever shown here. */
public record LoginResult(String token, String user, Role role, Instant expiresAt) {
}
