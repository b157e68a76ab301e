package dev.cistern.server.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Slows password guessing per user name: after {@code freeFailures} failed logins in a row, further attempts
 * for that name are refused (HTTP 429) for a delay that doubles with each failure up to {@code max}. A
 * success clears the name's record. PBKDF2 already makes each guess cost half a second of CPU; this also
 * stops an attacker from spending the server's CPU on one account ({@link AddressThrottle} and
 * {@link PasswordCheckGate} bound what many names cost).
 *
 * <p>Names are kept in two bounded tables so spraying random names can neither exhaust memory nor reset the
 * back-off of the account actually under attack: names still within their free failures, where a spray lands
 * (least recently tried first out), and names in back-off, which only names in back-off can push out. Filling
 * the second table takes {@code MAX_TRACKED * (freeFailures + 1)} failed logins, each a full password check.
 * The split is by failure count, never by whether the name exists: a name's fate in the tables, and so its
 * answers, are the same for an existing and an unknown name.
 *
 * <p>A lockout per name is also a way to lock the real user out: one wrong guess every few minutes, from
 * anywhere, would keep the admin refused for good. So an address the name logged in from successfully in
 * the last {@code KNOWN_FOR} is not held back by the name's back-off ({@link #check} lets it through and
 * says so: {@link PasswordCheckGate} gives it a reserved place); it stays bounded by {@link AddressThrottle},
 * and its own wrong passwords still count as failures of the name. Everyone else stays refused, the correct
 * password or not: checking it during a back-off would give the attacker his guesses back. A success from a
 * known address during a back-off leaves the back-off in place, so it does not give an attacker fresh free
 * failures. Known addresses are kept in memory (a restart forgets them), at most {@code KNOWN_PER_NAME} per
 * name, most recent first, and only successful logins add them.
 */
public final class LoginThrottle {
    static final int MAX_TRACKED = 10_000;
    static final int KNOWN_PER_NAME = 16;
    static final Duration KNOWN_FOR = Duration.ofDays(30);

    private record Record(int failures, Instant blockedUntil) {
    }

    private final Clock clock;
    private final int freeFailures;
    private final Duration initial;
    private final Duration max;
    private final Map<String, Record> trying = boundedTable();
    private final Map<String, Record> backingOff = boundedTable();
    private final Map<String, Map<String, Instant>> known = bounded(MAX_TRACKED); // name -> address -> last login

    public LoginThrottle(Clock clock, int freeFailures, Duration initial, Duration max) {
        this.clock = clock;
        this.freeFailures = freeFailures;
        this.initial = initial;
        this.max = max;
    }

    public static LoginThrottle standard(Clock clock) {
        return new LoginThrottle(clock, 5, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    private static Map<String, Record> boundedTable() {
        return bounded(MAX_TRACKED);
    }

    /** A table of at most {@code max} entries, least recently used first out. */
    private static <V> Map<String, V> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    /**
     * Refuses with 429 if {@code user} is in a back-off period and {@code client} is not an address it logged
     * in from; returns whether it is one (a known login).
     */
    public synchronized boolean check(String user, String client) {
        boolean isKnown = known(user, client);
        Record r = backingOff.get(user);
        if (r == null || r.blockedUntil() == null || isKnown) return isKnown;
        Instant now = clock.instant();
        if (Duration.between(now, r.blockedUntil()).compareTo(max) > 0) {
            // the clock was set back: no back-off is longer than max, or a step back of an hour would refuse
            // the name (from everywhere but its known addresses) for an hour
            r = new Record(r.failures(), now.plus(max));
            backingOff.put(user, r);
        }
        if (now.isBefore(r.blockedUntil())) {
            long secs = Math.max(1, (long) Math.ceil(Duration.between(now, r.blockedUntil()).toMillis() / 1000.0));
            throw ApiException.tooManyRequests("too many failed logins for user '" + user + "' (" + r.failures()
                    + " in a row); try again in " + secs + " s", secs);
        }
        return false;
    }

    /** Whether {@code user} logged in successfully from {@code client} within {@link #KNOWN_FOR}. */
    public synchronized boolean known(String user, String client) {
        Map<String, Instant> addresses = known.get(user);
        Instant at = addresses == null ? null : addresses.get(client);
        return at != null && !clock.instant().isAfter(at.plus(KNOWN_FOR));
    }

    public synchronized void failed(String user) {
        Record r = backingOff.get(user);
        if (r == null) r = trying.remove(user);
        int n = r == null ? 1 : r.failures() + 1;
        if (n <= freeFailures) {
            trying.put(user, new Record(n, null));
            return;
        }
        int shift = Math.min(n - freeFailures - 1, 20);
        long ms = Math.min(max.toMillis(), initial.toMillis() << shift);
        backingOff.put(user, new Record(n, clock.instant().plusMillis(ms)));
    }

    /** {@code user} logged in from {@code client}: the address becomes known, the failures are forgiven. */
    public synchronized void succeeded(String user, String client) {
        Instant now = clock.instant();
        known.computeIfAbsent(user, u -> bounded(KNOWN_PER_NAME)).put(client, now);
        trying.remove(user);
        Record r = backingOff.get(user);
        // in a back-off only a known address gets here: the attack goes on, its back-off stays
        if (r != null && r.blockedUntil() != null && now.isBefore(r.blockedUntil())) return;
        backingOff.remove(user);
    }
}
