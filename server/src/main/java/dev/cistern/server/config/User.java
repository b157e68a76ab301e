package dev.cistern.server.config;

import java.time.Instant;

/** A user as persisted; {@code passwordHash} is a {@link PasswordHasher} string, never the password. */
public record User(String name, Role role, String passwordHash, Instant createdAt) {
}
