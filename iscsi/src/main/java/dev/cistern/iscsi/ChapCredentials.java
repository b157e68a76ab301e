package dev.cistern.iscsi;

import java.nio.charset.StandardCharsets;

/** A CHAP user name and secret. RFC 7143 asks for secrets of at least 12 bytes; shorter ones are refused. */
public record ChapCredentials(String user, String secret) {
    public ChapCredentials {
        if (user == null || user.isEmpty()) throw new IllegalArgumentException("CHAP user must not be empty");
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < 12) {
            throw new IllegalArgumentException("CHAP secret of user '" + user + "' must be at least 12 bytes");
        }
    }

    public byte[] secretBytes() {
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ChapCredentials[user=" + user + "]";
    }
}
