package dev.cistern.server.http;

import java.time.Clock;
import java.time.Duration;

/**
 * Slows guessing of an encrypted storage group's passphrase, as {@link LoginThrottle} slows guessing of a
 * user's password: after {@code freeFailures} wrong passphrases in a row for a group, further unlocks and
 * passphrase changes of that group are refused (HTTP 429 with {@code Retry-After}) before any hashing, for a
 * delay that doubles with each wrong passphrase up to {@code max} ({@link BackOff}). A wrong old passphrase of
 * a change counts like a wrong unlock; a correct passphrase clears the group's record. Other groups are not
 * affected. {@link PasswordCheckGate} bounds the CPU the guesses take, this bounds how many there are: an
 * operator token (or a stolen one) could otherwise guess at the gate's rate for good.
 *
 * <p>There are no known addresses here, unlike logins: a group has no owner whose machine could be told from
 * an attacker's, and a legitimate operator waits out the delay once. Only groups the engine called the
 * passphrase wrong for are counted, which are groups that exist and are encrypted, so the tables hold few
 * names; they are bounded ({@code MAX_TRACKED}) all the same.
 *
 * <p>The health monitor is told through {@link Alerts}: each wrong passphrase that starts a back-off raises (or
 * refreshes) the group's alert, naming who and from where; the alert, and so its event and webhook call, is new
 * only when the group enters a back-off, which after a clear takes a correct passphrase and then
 * {@code freeFailures + 1} wrong ones. Refusals raise nothing: they cost the guesser nothing, and the audit log
 * has a line for each. A change of a group's record and the alert call that reports it are made under one lock,
 * so the alerts are told in the order the records changed: a success's clear cannot land after the raise of a
 * back-off that started after it (which would leave a running back-off without its alert). The health store
 * only writes a small file there; its webhook call is asynchronous.
 *
 * <p>While a group has wrong passphrases on record, one check of it runs at a time ({@link #begin},
 * {@link BackOff#start}); another asked for meanwhile is refused with 429 and {@code Retry-After: 1}. Otherwise,
 * when a back-off runs out, guesses sent at once would all get past {@link #check} before the first is
 * counted: as many guesses per back-off as {@link PasswordCheckGate} admits at once (2 per address, more from
 * many) instead of one. A group without wrong passphrases on record may be unlocked by many at once.
 */
public final class PassphraseThrottle {
    static final int MAX_TRACKED = 1_000;

    /** Where the group's back-off is reported: the health monitor's alerts. */
    public interface Alerts {
        /** Raises, or refreshes if it is open, the alert {@code key}. */
        void raise(String key, String message);

        /** Clears the alert {@code key} if it is open. */
        void clear(String key);
    }

    private final BackOff failures;
    private final Duration max;
    private final Alerts alerts;

    /** The one running check of a group's passphrase ({@link #begin}); closing it lets the next one in. */
    public final class Attempt implements AutoCloseable {
        private final String group;

        private Attempt(String group) {
            this.group = group;
        }

        /** The engine called the passphrase wrong; call before {@link #close}, so no other check runs in between. */
        public void failed(String user, String client) {
            PassphraseThrottle.this.failed(group, user, client);
        }

        /** The passphrase was right. */
        public void succeeded() {
            PassphraseThrottle.this.succeeded(group);
        }

        @Override
        public void close() {
            failures.end(group);
        }
    }

    public PassphraseThrottle(Clock clock, int freeFailures, Duration initial, Duration max, Alerts alerts) {
        this.failures = new BackOff(clock, freeFailures, initial, max, MAX_TRACKED);
        this.max = max;
        this.alerts = alerts;
    }

    /** As logins: 5 wrong passphrases free, then 1 s doubling up to 5 minutes. */
    public static PassphraseThrottle standard(Clock clock, Alerts alerts) {
        return new PassphraseThrottle(clock, 5, Duration.ofSeconds(1), Duration.ofMinutes(5), alerts);
    }

    /** The key of {@code group}'s alert. */
    public static String alertKey(String group) {
        return "passphrase:" + group;
    }

    /** Refuses with 429 if {@code group} is in a back-off; call before its passphrase is hashed. */
    public void check(String group) {
        BackOff.Refusal r = failures.refusal(group);
        if (r != null) {
            throw ApiException.tooManyRequests("too many wrong passphrases for storage group '" + group + "' ("
                    + r.failures() + " in a row); its unlock and passphrase change are refused for now: try again in "
                    + r.seconds() + " s", r.seconds());
        }
    }

    /**
     * Starts a check of {@code group}'s passphrase: refused with 429 if the group is in a back-off, or has
     * wrong passphrases on record and another check of it is running; call before its passphrase is hashed,
     * and report the outcome on the attempt before closing it. (Synchronized with {@link #failed}, so no
     * failure is counted between the back-off's check and the start.)
     */
    public synchronized Attempt begin(String group) {
        check(group);
        if (!failures.start(group, false)) {
            throw ApiException.tooManyRequests("wrong passphrases for storage group '" + group + "' are on record and"
                    + " another check of it is running; one runs at a time: try again in 1 s", 1);
        }
        return new Attempt(group);
    }

    /** The engine called the passphrase of {@code group} wrong, in a request of {@code user} from {@code client}. */
    public synchronized void failed(String group, String user, String client) {
        BackOff.Refusal r = failures.failed(group);
        if (r == null) return;
        alerts.raise(alertKey(group), r.failures() + " wrong passphrases in a row for encrypted storage group '"
                + group + "', the last from user '" + user + "' at " + client + ": its unlock and passphrase change"
                + " are refused for " + r.seconds() + " s, longer after each further wrong one (at most " + max.toSeconds()
                + " s). If nobody meant to type these, someone may be guessing with that user's token: set the"
                + " user's password, which revokes its tokens. A correct passphrase clears this alert");
    }

    /** The passphrase of {@code group} was right: its record, and its alert, are cleared. */
    public synchronized void succeeded(String group) {
        if (failures.succeeded(group)) alerts.clear(alertKey(group));
    }

    /**
     * {@code group} was deleted: a group created later under its name has a new passphrase and starts afresh,
     * and the alert about the old one is cleared. (Only an empty group can be deleted, so this resets nothing an
     * attacker could want to keep guessing.)
     */
    public synchronized void deleted(String group) {
        failures.forget(group);
        alerts.clear(alertKey(group));
    }
}
