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
 * are counted, and the count, with how many addresses and names they came from, becomes an event of its own:
 * at the first refusal of a later minute, or, if the attack stops, at the first health check after the minute
 * ({@link #summaryDue}) and at the latest when the server stops. The audit log still has a line for each.
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
    private Instant lastCounted;
    private final Set<String> addresses = new HashSet<>();
    private final Set<String> names = new HashSet<>();

    RefusedLogins(Clock clock, int perMinute) {
        this.clock = clock;
        this.perMinute = perMinute;
    }

    synchronized Decision refused(String name, String client) {
        Instant now = clock.instant();
        String summary = null;
        if (!inWindow(now)) {
            summary = takeSummary();
            windowStart = now;
            recorded = 0;
        }
        if (recorded < perMinute) {
            recorded++;
            return new Decision(summary, true, recorded == perMinute);
        }
        if (counted++ == 0) firstCounted = now;
        lastCounted = now;
        if (addresses.size() < MAX_DISTINCT) addresses.add(client);
        if (names.size() < MAX_DISTINCT) names.add(name);
        return new Decision(summary, false, false);
    }

    /**
     * The summary of the refusals counted and not yet summed up, or null: once their minute is over, or
     * whenever {@code stopping} (nothing will come later to write it). Resets the count.
     */
    synchronized String summaryDue(boolean stopping) {
        if (!stopping && inWindow(clock.instant())) return null;
        return takeSummary();
    }

    /**
     * Whether {@code now} falls in the current minute. A clock set back (NTP step, a hand-set clock) puts
     * {@code now} before the window's start: that ends the window too, or for as long as the clock was set back
     * every refusal would be counted, none recorded, and the count written only at the stop.
     */
    private boolean inWindow(Instant now) {
        return !now.isBefore(windowStart) && now.isBefore(windowStart.plus(WINDOW));
    }

    private String takeSummary() {
        if (counted == 0) return null;
        String s = counted + " more logins refused before the password check between " + firstCounted + " and "
                + lastCounted + ", from " + atLeast(addresses) + " addresses for " + atLeast(names)
                + " names, were counted, not recorded one by one (the audit log has each)";
        counted = 0;
        addresses.clear();
        names.clear();
        return s;
    }

    private static String atLeast(Set<String> s) {
        return s.size() >= MAX_DISTINCT ? "at least " + MAX_DISTINCT : Integer.toString(s.size());
    }
}
