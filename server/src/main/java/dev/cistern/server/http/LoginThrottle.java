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
 */
public final class LoginThrottle {
    static final int MAX_TRACKED = 10_000;

    private record Record(int failures, Instant blockedUntil) {
    }

    private final Clock clock;
    private final int freeFailures;
    private final Duration initial;
    private final Duration max;
    private final Map<String, Record> trying = boundedTable();
    private final Map<String, Record> backingOff = boundedTable();

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
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
                return size() > MAX_TRACKED;
            }
        };
    }

    /** Refuses with 429 if {@code user} is in a back-off period. */
    public synchronized void check(String user) {
        Record r = backingOff.get(user);
        if (r == null || r.blockedUntil() == null) return;
        Instant now = clock.instant();
        if (now.isBefore(r.blockedUntil())) {
            long secs = Math.max(1, (long) Math.ceil(Duration.between(now, r.blockedUntil()).toMillis() / 1000.0));
            throw ApiException.tooManyRequests("too many failed logins for user '" + user + "' (" + r.failures()
                    + " in a row); try again in " + secs + " s", secs);
        }
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

    public synchronized void succeeded(String user) {
        trying.remove(user);
        backingOff.remove(user);
    }
}
