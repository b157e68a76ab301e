package dev.cistern.server.http;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Slows password guessing per user name: after {@code freeFailures} failed logins in a row, further attempts
 * for that name are refused (HTTP 429) for a delay that doubles with each failure up to {@code max}. A
 * success clears the name's record. PBKDF2 already makes each guess cost half a second of CPU; this also
 * stops an attacker from spending the server's CPU on one account ({@link AddressThrottle} and
 * {@link PasswordCheckGate} bound what many names cost).
 *
 * <p>The counting, the doubling and the bounded tables are {@link BackOff}'s (shared with
 * {@link PassphraseThrottle}). The split of its tables is by failure count, never by whether the name exists:
 * a name's fate in the tables, and so its answers, are the same for an existing and an unknown name.
 *
 * <p>A lockout per name is also a way to lock the real user out: one wrong guess every few minutes, from
 * anywhere, would keep the admin refused for good. So an address the name logged in from successfully in
 * the last {@code KNOWN_FOR} is not held back by the name's back-off ({@link #check} lets it through and
 * says so: {@link PasswordCheckGate} gives it a reserved place); it stays bounded by {@link AddressThrottle},
 * and its own wrong passwords still count as failures of the name. Everyone else stays refused, the correct
 * password or not: checking it during a back-off would give the attacker his guesses back. A success from a
 * known address during a back-off leaves the back-off in place, so it does not give an attacker fresh free
 * failures. Known addresses ({@link KnownLogins}) are kept at most {@code KNOWN_PER_NAME} per name, most
 * recent first, only successful logins add them, and with a file they survive a restart ({@link #persistent}).
 */
public final class LoginThrottle {
    static final int MAX_TRACKED = 10_000;
    static final int KNOWN_PER_NAME = 16;
    static final Duration KNOWN_FOR = Duration.ofDays(30);

    private final BackOff failures;
    private final KnownLogins known;

    /** Known addresses in memory only. */
    public LoginThrottle(Clock clock, int freeFailures, Duration initial, Duration max) {
        this(clock, freeFailures, initial, max, KnownLogins.inMemory(clock, KNOWN_PER_NAME, KNOWN_FOR));
    }

    public LoginThrottle(Clock clock, int freeFailures, Duration initial, Duration max, KnownLogins known) {
        this.failures = new BackOff(clock, freeFailures, initial, max, MAX_TRACKED);
        this.known = known;
    }

    public static LoginThrottle standard(Clock clock) {
        return new LoginThrottle(clock, 5, Duration.ofSeconds(1), Duration.ofMinutes(5));
    }

    /**
     * {@link #standard} with its known addresses kept in {@code file}, so a restart does not make the admin
     * lockable again; addresses of names {@code userExists} denies are not loaded.
     */
    public static LoginThrottle persistent(Clock clock, Path file, Predicate<String> userExists) {
        return new LoginThrottle(clock, 5, Duration.ofSeconds(1), Duration.ofMinutes(5),
                KnownLogins.load(file, clock, KNOWN_PER_NAME, KNOWN_FOR, userExists));
    }

    /**
     * Refuses with 429 if {@code user} is in a back-off period and {@code client} is not an address it logged
     * in from; returns whether it is one (a known login).
     */
    public synchronized boolean check(String user, String client) {
        if (known(user, client)) return true;
        BackOff.Refusal r = failures.refusal(user);
        if (r != null) {
            throw ApiException.tooManyRequests("too many failed logins for user '" + user + "' (" + r.failures()
                    + " in a row); try again in " + r.seconds() + " s", r.seconds());
        }
        return false;
    }

    /** Whether {@code user} logged in successfully from {@code client} within {@link #KNOWN_FOR}. */
    public boolean known(String user, String client) {
        return known.known(user, client);
    }

    /** {@code user} was deleted: the addresses it logged in from are forgotten. */
    public void forget(String user) {
        known.forget(user);
    }

    public synchronized void failed(String user) {
        failures.failed(user);
    }

    /** {@code user} logged in from {@code client}: the address becomes known, the failures are forgiven. */
    public synchronized void succeeded(String user, String client) {
        known.add(user, client);
        // in a back-off only a known address gets here: the attack goes on, its back-off stays
        failures.succeeded(user);
    }
}
