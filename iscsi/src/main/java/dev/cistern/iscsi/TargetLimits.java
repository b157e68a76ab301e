package dev.cistern.iscsi;

import java.time.Duration;

/**
 * What one listener grants to clients nobody has authenticated yet, so that none of them can take the
 * server's file descriptors, threads or session handles (the engine's RocksDB and chunk files need
 * descriptors too). The defaults sit far above what real deployments use (tgt and LIO also cap sessions
 * and bound the login phase) and far below the process's descriptor limit under systemd or Docker.
 *
 * @param loginTimeout             the whole login phase, from accept to full feature phase (not per PDU)
 * @param maxConnections           connections the listener holds at once, logged in or not; more are
 *                                 closed as soon as they are accepted
 * @param maxConnectionsPerAddress connections from one source address at once, so one host cannot take
 *                                 them all
 * @param maxSessions              sessions (discovery ones too) at once; a login beyond them is answered
 *                                 "target error / out of resources"; at most 65,535 (a TSIH each)
 */
public record TargetLimits(Duration loginTimeout, int maxConnections, int maxConnectionsPerAddress, int maxSessions) {
    public static final int MAX_TSIHS = 0xffff;

    public TargetLimits {
        if (loginTimeout.isNegative() || loginTimeout.isZero()) {
            throw new IllegalArgumentException("iSCSI login timeout must be positive, got " + loginTimeout);
        }
        if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxSessions < 1 || maxSessions > MAX_TSIHS) {
            throw new IllegalArgumentException("iSCSI limits out of range: " + maxConnections + " connections, "
                    + maxConnectionsPerAddress + " per address, " + maxSessions + " sessions (1.." + MAX_TSIHS + ")");
        }
    }

    /** 30 s to log in, 4096 connections, 256 from one address, 4096 sessions. */
    public static TargetLimits defaults() {
        return new TargetLimits(Duration.ofSeconds(30), 4096, 256, 4096);
    }

    public TargetLimits withLoginTimeout(Duration d) {
        return new TargetLimits(d, maxConnections, maxConnectionsPerAddress, maxSessions);
    }

    public TargetLimits withConnections(int total, int perAddress) {
        return new TargetLimits(loginTimeout, total, perAddress, maxSessions);
    }

    public TargetLimits withSessions(int n) {
        return new TargetLimits(loginTimeout, maxConnections, maxConnectionsPerAddress, n);
    }
}
