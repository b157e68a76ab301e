package dev.cistern.server.mgmt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

/**
 * Which logins refused with 429 become events one by one. A refusal costs the attacker nothing (no password is
 * hashed), so a flood of them would append and sync an event each, and push every older event (logins,
 * changes) out of the bounded history. So at most {@code perMinute} a minute are recorded one by one; the rest
 * are counted, and the first refusal of a later minute records the count, with how many addresses and names
 * they came from, as an event of its own. The audit log still has a line for each.
 */
final class RefusedLogins {
    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Distinct addresses and names counted per window, so a spray cannot grow the sets without end. */
    private static final int MAX_DISTINCT = 10_000;

    /** What to record for one refusal: a summary of earlier ones (or null), and whether to record this one. */
    record Decision(String summary, boolean record, boolean lastOfMinute) {
    }

    private final Clock clock;
    private final int perMinute;
    private Instant windowStart = Instant.MIN;
    private int recorded;
    private long counted;
    private Instant firstCounted;
    private final Set<String> addresses = new HashSet<>();
    private final Set<String> names = new HashSet<>();

    RefusedLogins(Clock clock, int perMinute) {
        this.clock = clock;
        this.perMinute = perMinute;
    }

    synchronized Decision refused(String name, String client) {
        Instant now = clock.instant();
        String summary = null;
        if (!now.isBefore(windowStart.plus(WINDOW))) {
            if (counted > 0) {
                summary = counted + " more logins refused before the password check between " + firstCounted + " and "
                        + now + ", from " + atLeast(addresses) + " addresses for " + atLeast(names)
                        + " names, were counted, not recorded one by one (the audit log has each)";
            }
            windowStart = now;
            recorded = 0;
            counted = 0;
            addresses.clear();
            names.clear();
        }
        if (recorded < perMinute) {
            recorded++;
            return new Decision(summary, true, recorded == perMinute);
        }
        if (counted++ == 0) firstCounted = now;
        if (addresses.size() < MAX_DISTINCT) addresses.add(client);
        if (names.size() < MAX_DISTINCT) names.add(name);
        return new Decision(summary, false, false);
    }

    private static String atLeast(Set<String> s) {
        return s.size() >= MAX_DISTINCT ? "at least " + MAX_DISTINCT : Integer.toString(s.size());
    }
}
