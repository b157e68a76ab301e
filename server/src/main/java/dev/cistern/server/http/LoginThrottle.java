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
 * stops an attacker from spending the server's CPU on one account. Names are kept in a bounded table so
 * spraying random names cannot exhaust memory.
 */
public final class LoginThrottle {
    static final int MAX_TRACKED = 10_000;

    private record Record(int failures, Instant blockedUntil) {
    }

    private final Clock clock;
    private final int freeFailures;
    private final Duration initial;
    private final Duration max;
    private final Map<String, Record> records = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
            return size() > MAX_TRACKED;
        }
    };

    public LoginThrottle(Clock clock, int freeFailures, Duration initial, Duration max) {
        this.clock = clock;
        this.freeFailures = freeFailures;
        this.initial = initial;
        this.max = max;
    }

    public static LoginThrottle standard(Clock clock) {
        return new LoginThrottle(clock, 5, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    /** Refuses with 429 if {@code user} is in a back-off period. */
    public synchronized void check(String user) {
        Record r = records.get(user);
        if (r == null || r.blockedUntil() == null) return;
        Instant now = clock.instant();
        if (now.isBefore(r.blockedUntil())) {
            long secs = Math.max(1, Duration.between(now, r.blockedUntil()).toSeconds());
            throw new ApiException(429, "too many failed logins for user '" + user + "' (" + r.failures()
                    + " in a row); try again in " + secs + " s");
        }
    }

    public synchronized void failed(String user) {
        Record r = records.get(user);
        int n = r == null ? 1 : r.failures() + 1;
        Instant until = null;
        if (n > freeFailures) {
            int shift = Math.min(n - freeFailures - 1, 20);
            long ms = Math.min(max.toMillis(), initial.toMillis() << shift);
            until = clock.instant().plusMillis(ms);
        }
        records.put(user, new Record(n, until));
    }

    public synchronized void succeeded(String user) {
        records.remove(user);
    }
}
