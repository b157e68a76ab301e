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
 *
 * <p>While a name has failed logins on record, one of its checks runs at a time ({@link #begin}; a known
 * address is not held back by this either): guesses sent at once must not all get past the check before the
 * first of them is counted.
 */
public final class LoginThrottle {
    static final int MAX_TRACKED = 10_000;
    static final int KNOWN_PER_NAME = 16;
    static final Duration KNOWN_FOR = Duration.ofDays(30);

    private final BackOff failures;
    private final KnownLogins known;

    /**
     * One check of a name's password ({@link #begin}): report its outcome, then close it, so the next check
     * of the name sees the outcome counted.
     */
    public final class Attempt implements AutoCloseable {
        private final String user;
        private final String client;
        private final boolean known;

        private Attempt(String user, String client, boolean known) {
            this.user = user;
            this.client = client;
            this.known = known;
        }

        /** Whether the address logged in as the name before ({@link #check}). */
        public boolean known() {
            return known;
        }

        public void failed() {
            LoginThrottle.this.failed(user);
        }

        public void succeeded() {
            LoginThrottle.this.succeeded(user, client);
        }

        @Override
        public void close() {
            failures.end(user);
        }
    }

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

    /**
     * Starts a check of {@code user}'s password from {@code client}: refused with 429 as {@link #check} does,
     * and also, unless the address is known, while another check of the name runs and the name has failures
     * on record.
     */
    public synchronized Attempt begin(String user, String client) {
        boolean isKnown = check(user, client);
        if (!failures.start(user, isKnown)) {
            throw ApiException.tooManyRequests("failed logins for user '" + user + "' are on record and another"
                    + " login of it is being checked; one runs at a time: try again in 1 s", 1);
        }
        return new Attempt(user, client, isKnown);
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
