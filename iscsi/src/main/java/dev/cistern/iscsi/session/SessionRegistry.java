package dev.cistern.iscsi.session;

import dev.cistern.iscsi.SessionInfo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Logged-in sessions of the target, for the admin view and for session reinstatement: a leading login
 * with the ISID of a live session from the same initiator to the same target replaces it (RFC 7143
 * section 6.3.5), which is how initiators recover after a connection failure at ErrorRecoveryLevel 0.
 *
 * <p>A TSIH is taken from its allocation at the end of login until its connection ends
 * ({@link #release}), registered or not, so at most {@code maxSessions} exist at once and allocation
 * never has to search a full TSIH space: it fails instead.
 */
public final class SessionRegistry {
    private final Map<Integer, Connection> byTsih = new ConcurrentHashMap<>();
    /** TSIHs allocated and not yet released; guarded by {@code this}. */
    private final Set<Integer> taken = new HashSet<>();
    private final int maxSessions;
    private int nextTsih = 1;

    /** @param maxSessions at most 65,535: TSIH 0 means "new session" */
    public SessionRegistry(int maxSessions) {
        if (maxSessions < 1 || maxSessions > 0xffff) throw new IllegalArgumentException("maxSessions " + maxSessions);
        this.maxSessions = maxSessions;
    }

    /**
     * A fresh TSIH, or 0 when {@code maxSessions} are taken. Below that cap a free non-zero TSIH exists
     * among the 65,535, so the search ends within one turn.
     */
    public synchronized int allocateTsih() {
        if (taken.size() >= maxSessions) return 0;
        while (true) {
            int t = nextTsih++ & 0xffff;
            if (t != 0 && taken.add(t)) return t;
        }
    }

    /** Adds {@code c}, closing any older session it reinstates. */
    public void register(Connection c) {
        SessionInfo info = c.info();
        for (Connection old : byTsih.values()) {
            SessionInfo o = old.info();
            if (!o.discovery() && !info.discovery() && o.isid().equals(info.isid())
                    && o.initiatorIqn().equalsIgnoreCase(info.initiatorIqn())
                    && o.targetIqn().equalsIgnoreCase(info.targetIqn())) {
                old.close();
                byTsih.remove(o.tsih(), old);
            }
        }
        byTsih.put(info.tsih(), c);
    }

    /** {@code tsih}, allocated for {@code c}, is free again: {@code c} ended (or never got registered). */
    public void release(Connection c, int tsih) {
        byTsih.remove(tsih, c);
        synchronized (this) {
            taken.remove(tsih);
        }
    }

    public List<SessionInfo> sessions() {
        List<SessionInfo> out = new ArrayList<>();
        for (Connection c : byTsih.values()) out.add(c.info());
        return out;
    }

    public List<Connection> connections() {
        return new ArrayList<>(byTsih.values());
    }
}
