package dev.cistern.iscsi.session;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Admission of accepted TCP connections before anything is spent on them: at most {@code total} at
 * once, and at most {@code perAddress} from one source address so one host cannot take every slot.
 * A refused connection is the caller's to close at once. Refusals are logged at most once per
 * {@link #LOG_INTERVAL}, with how many there were, so a flood cannot flood the log too.
 */
public final class ConnectionGate {
    private static final System.Logger LOG = System.getLogger(ConnectionGate.class.getName());
    static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

    private final int total;
    private final int perAddress;
    private final Clock clock;
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    private int held;
    private long refusedSinceLog;
    private Instant nextLog = Instant.MIN;

    public ConnectionGate(int total, int perAddress, Clock clock) {
        this.total = total;
        this.perAddress = perAddress;
        this.clock = clock;
    }

    /** Takes a slot for a connection from {@code from}; false (and logged, rate-limited) when none is left. */
    public boolean admit(InetAddress from) {
        String refusal;
        synchronized (this) {
            int mine = byAddress.getOrDefault(from, 0);
            if (held < total && mine < perAddress) {
                held++;
                byAddress.put(from, mine + 1);
                return true;
            }
            refusedSinceLog++;
            Instant now = clock.instant();
            if (now.isBefore(nextLog)) return false;
            nextLog = now.plus(LOG_INTERVAL);
            refusal = String.format("refused %d iSCSI connection(s) since the last report, the latest from %s"
                            + " (%d of %d connections open, %d from that address, at most %d): raise the target's"
                            + " connection limits if these are real initiators",
                    refusedSinceLog, from.getHostAddress(), held, total, mine, perAddress);
            refusedSinceLog = 0;
        }
        LOG.log(System.Logger.Level.WARNING, refusal);
        return false;
    }

    /** Gives back the slot of a connection from {@code from} that ended. */
    public synchronized void release(InetAddress from) {
        held--;
        byAddress.computeIfPresent(from, (a, n) -> n == 1 ? null : n - 1);
    }
}
