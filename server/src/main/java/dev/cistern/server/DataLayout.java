package dev.cistern.server;

import java.nio.file.Path;

/**
 * Where the server keeps things under its data directory. The engine opens the data directory itself (its
 * {@code meta/} and {@code chunks/}); the server's own files live in subdirectories the engine does not use:
 * <pre>
 *   meta/, chunks/      the storage engine (see the README)
 *   config/config.json  users and API tokens (owner-readable only)
 *   tls/server.p12      the HTTPS key and self-signed certificate
 *   logs/cistern.log    the server log, rotated daily
 * </pre>
 */
public record DataLayout(Path root) {
    public DataLayout {
        root = root.toAbsolutePath().normalize();
    }

    public Path engineDir() {
        return root;
    }

    public Path configFile() {
        return root.resolve("config").resolve("config.json");
    }

    public Path keyStore() {
        return root.resolve("tls").resolve("server.p12");
    }

    public Path logDir() {
        return root.resolve("logs");
    }
}
