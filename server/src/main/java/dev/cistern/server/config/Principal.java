package dev.cistern.server.config;

/** Who made a request: the user behind a valid token, and the token's hash (for logout). */
public record Principal(String user, Role role, String tokenSha256) {
}
