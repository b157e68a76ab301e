package dev.cistern.server;

import dev.cistern.server.config.PasswordHasher;
import dev.cistern.server.service.Backoff;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * How to run a server. {@code protocolPorts} maps a front end's protocol name ("iscsi", "s3") to its port;
 * 0 disables it, a missing entry uses the front end's default port.
 *
 * @param bindAddress        address every listener binds to ("0.0.0.0" for all interfaces)
 * @param httpPort           REST API port; 0 picks a free one (tests)
 * @param passwordIterations PBKDF2 iterations for new password hashes
 * @param cleanHour          hour of the daily scheduled clean, or -1 for none
 */
public record ServerSettings(Path dataDir, String bindAddress, int httpPort, Map<String, Integer> protocolPorts,
                             int passwordIterations, int cleanHour, Duration watchInterval, Backoff backoff,
                             Clock clock) {
    public static final int DEFAULT_HTTP_PORT = 5233;

    public ServerSettings {
        if (httpPort < 0 || httpPort > 65535) throw new IllegalArgumentException("HTTP port must be 0-65535, got " + httpPort);
        if (cleanHour < -1 || cleanHour > 23) throw new IllegalArgumentException("clean hour must be 0-23 or -1 (off), got " + cleanHour);
        protocolPorts = protocolPorts == null ? Map.of() : Map.copyOf(protocolPorts);
    }

    /** Production defaults on {@code dataDir}: port 5233, daily clean at 03:00, 600k PBKDF2 iterations. */
    public static ServerSettings defaults(Path dataDir) {
        return new ServerSettings(dataDir, "0.0.0.0", DEFAULT_HTTP_PORT, Map.of(), PasswordHasher.DEFAULT_ITERATIONS, 3,
                Duration.ofSeconds(5), Backoff.DEFAULT, Clock.systemDefaultZone());
    }

    /** For tests: loopback, a free port, no scheduled clean, cheap hashes, a fast watcher. */
    public static ServerSettings forTests(Path dataDir) {
        return new ServerSettings(dataDir, "127.0.0.1", 0, Map.of(), 1_000, -1, Duration.ofMillis(100),
                new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1)), Clock.systemUTC());
    }

    public ServerSettings withHttpPort(int port) {
        return new ServerSettings(dataDir, bindAddress, port, protocolPorts, passwordIterations, cleanHour, watchInterval, backoff, clock);
    }

    public ServerSettings withPasswordIterations(int iterations) {
        return new ServerSettings(dataDir, bindAddress, httpPort, protocolPorts, iterations, cleanHour, watchInterval, backoff, clock);
    }

    public ServerSettings withClock(Clock c) {
        return new ServerSettings(dataDir, bindAddress, httpPort, protocolPorts, passwordIterations, cleanHour, watchInterval, backoff, c);
    }

    public int portOf(String protocol, int defaultPort) {
        return protocolPorts.getOrDefault(protocol, defaultPort);
    }
}
