package dev.cistern.server.mgmt;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks a user name out after {@code maxFailures} failed logins in a row, for {@code lockTime}: password guessing
 * then costs hours instead of seconds. Kept in memory on purpose: a restart ends lockouts, which an admin who
 * locked themselves out may need. Unknown user names are counted too, so the lockout does not reveal which
 * names exist.
 */
public final class LoginLockout {
    private record State(int failures, Instant lockedUntil) {
    }

    private final int maxFailures;
    private final Duration lockTime;
    private final Clock clock;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();

    public LoginLockout(int maxFailures, Duration lockTime, Clock clock) {
        this.maxFailures = maxFailures;
        this.lockTime = lockTime;
        this.clock = clock;
    }

    /** When the user's lockout ends, if they are locked out now. */
    public Optional<Instant> lockedUntil(String user) {
        State s = states.get(user);
        if (s == null || s.lockedUntil == null) return Optional.empty();
        return clock.instant().isBefore(s.lockedUntil) ? Optional.of(s.lockedUntil) : Optional.empty();
    }

    /** Records a failed login; true if it locked the user out. */
    public boolean failed(String user) {
        State s = states.compute(user, (k, old) -> {
            int n = old == null || (old.lockedUntil != null && !clock.instant().isBefore(old.lockedUntil)) ? 1 : old.failures + 1;
            return new State(n, n >= maxFailures ? clock.instant().plus(lockTime) : null);
        });
        return s.lockedUntil != null && s.failures == maxFailures;
    }

    public void succeeded(String user) {
        states.remove(user);
    }

    public int maxFailures() {
        return maxFailures;
    }
}
