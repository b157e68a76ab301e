package dev.cistern.iscsi.session;

import dev.cistern.iscsi.SessionInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Logged-in sessions of the target, for the admin view and for session reinstatement: a leading login
 * with the ISID of a live session from the same initiator to the same target replaces it (RFC 7143
 * section 6.3.5), which is how initiators recover after a connection failure at ErrorRecoveryLevel 0.
 */
public final class SessionRegistry {
    private final Map<Integer, Connection> byTsih = new ConcurrentHashMap<>();
    private final AtomicInteger nextTsih = new AtomicInteger(1);

    /** A fresh TSIH; 0 is reserved for "new session" so it is skipped on wrap-around. */
    public int allocateTsih() {
        int t;
        do {
            t = nextTsih.getAndIncrement() & 0xffff;
        } while (t == 0 || byTsih.containsKey(t));
        return t;
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

    public void remove(Connection c) {
        byTsih.remove(c.info().tsih(), c);
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
