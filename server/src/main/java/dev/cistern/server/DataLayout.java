package dev.cistern.server;

import java.nio.file.Path;

/**
 * Where the server keeps things under its data directory. Each owner gets its own subdirectory so the
 * engine's files and the server's never collide:
 * <pre>
 *   engine/             the storage engine (metadata and chunk containers)
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
        return root.resolve("engine");
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
