package dev.cistern.server.http;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wrong secrets in a row per name, and the back-off they earn: after {@code freeFailures} failures, each
 * further one holds the name back for a delay that starts at {@code initial} and doubles up to {@code max};
 * while it lasts the name's attempts are refused before any secret is checked. A success forgets the failures.
 * The one copy of this logic: {@link LoginThrottle} keys it by user name, {@link PassphraseThrottle} by
 * storage group.
 *
 * <p>Names are kept in two tables of at most {@code maxTracked} each, so spraying random names can neither
 * exhaust memory nor reset the back-off of the name actually under attack: names still within their free
 * failures, where a spray lands (least recently tried first out), and names in back-off, which only names in
 * back-off can push out. Filling the second table takes {@code maxTracked * (freeFailures + 1)} failures, each
 * a full check of a secret.
 *
 * <p>A name's checks running at once are counted too ({@link #start}, {@link #end}): while a name has failures
 * on record, one check of it runs at a time. Otherwise guesses sent together, when a back-off runs out or
 * within the free failures, would all get past {@link #refusal} before the first of them is counted, each
 * checked: as many as the password-check gate admits at once instead of one. A name without failures is not
 * held to one at a time (many clients logging in as one account at once is ordinary), so the first burst
 * of guesses at a name is checked whole, once, and counted; that is at most the gate's places.
 */
final class BackOff {
    /** A name refused for now: its failures in a row, and the seconds (at least 1) until it may try again. */
    record Refusal(int failures, long seconds) {
    }

    private record Record(int failures, Instant blockedUntil) {
    }

    private final Clock clock;
    private final int freeFailures;
    private final Duration initial;
    private final Duration max;
    private final Map<String, Record> trying;
    private final Map<String, Record> backingOff;
    private final Map<String, Integer> running = new HashMap<>(); // checks under way: as many as requests

    BackOff(Clock clock, int freeFailures, Duration initial, Duration max, int maxTracked) {
        this.clock = clock;
        this.freeFailures = freeFailures;
        this.initial = initial;
        this.max = max;
        this.trying = bounded(maxTracked);
        this.backingOff = bounded(maxTracked);
    }

    /** A table of at most {@code max} entries, least recently used first out. */
    static <V> Map<String, V> bounded(int max) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        };
    }

    /** Whether {@code name} is in a back-off now, and for how long; null if it may try. */
    synchronized Refusal refusal(String name) {
        Record r = backingOff.get(name);
        if (r == null) return null;
        Instant now = clock.instant();
        if (Duration.between(now, r.blockedUntil()).compareTo(max) > 0) {
            // the clock was set back: no back-off is longer than max, or a step back of an hour would refuse
            // the name for an hour
            r = new Record(r.failures(), now.plus(max));
            backingOff.put(name, r);
        }
        if (!now.isBefore(r.blockedUntil())) return null;
        long secs = Math.max(1, (long) Math.ceil(Duration.between(now, r.blockedUntil()).toMillis() / 1000.0));
        return new Refusal(r.failures(), secs);
    }

    /**
     * Counts a failure of {@code name}. Returns the back-off it starts, or null while the name is within its
     * free failures.
     */
    synchronized Refusal failed(String name) {
        Record r = backingOff.get(name);
        if (r == null) r = trying.remove(name);
        int n = r == null ? 1 : r.failures() + 1;
        if (n <= freeFailures) {
            trying.put(name, new Record(n, null));
            return null;
        }
        int shift = Math.min(n - freeFailures - 1, 20);
        long ms = Math.min(max.toMillis(), initial.toMillis() << shift);
        backingOff.put(name, new Record(n, clock.instant().plusMillis(ms)));
        return new Refusal(n, Math.max(1, (ms + 999) / 1000));
    }

    /**
     * A success of {@code name}: its failures are forgiven, unless a back-off is running (the success got past
     * it, from a login's known address or in a race with the failure that started it), which stays so the
     * attack gets no fresh free failures. Returns whether the name's record is gone.
     */
    synchronized boolean succeeded(String name) {
        trying.remove(name);
        Record r = backingOff.get(name);
        if (r != null && clock.instant().isBefore(r.blockedUntil())) return false;
        backingOff.remove(name);
        return true;
    }

    /**
     * A check of {@code name} starts: counted as running until {@link #end}. Refused (false, and not counted)
     * if another is running while the name has failures on record, unless {@code exempt} (a login's known
     * address, which a back-off does not hold back either).
     */
    synchronized boolean start(String name, boolean exempt) {
        if (!exempt && running.containsKey(name) && (trying.containsKey(name) || backingOff.containsKey(name))) {
            return false;
        }
        running.merge(name, 1, Integer::sum);
        return true;
    }

    /** A check {@link #start} counted has ended; its failure or success was counted before. */
    synchronized void end(String name) {
        running.computeIfPresent(name, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Forgets {@code name} altogether, back-off included (the object it named is gone). */
    synchronized void forget(String name) {
        trying.remove(name);
        backingOff.remove(name);
    }
}
