package dev.cistern.server.mgmt;

import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LoginLockoutTest {
    final MutableClock clock = new MutableClock();
    final LoginLockout lockout = new LoginLockout(3, Duration.ofMinutes(5), clock);

    @Test
    void locksAfterFailuresInARowUntilTheTimeIsUp() {
        assertThat(lockout.failed("bob")).isFalse();
        assertThat(lockout.failed("bob")).isFalse();
        assertThat(lockout.lockedUntil("bob")).isEmpty();
        assertThat(lockout.failed("bob")).isTrue();
        assertThat(lockout.lockedUntil("bob")).contains(clock.instant().plus(Duration.ofMinutes(5)));
        assertThat(lockout.lockedUntil("alice")).isEmpty();
        clock.advance(Duration.ofMinutes(5));
        assertThat(lockout.lockedUntil("bob")).isEmpty();
        assertThat(lockout.failed("bob")).as("the count starts again after a lockout").isFalse();
    }

    @Test
    void aSuccessfulLoginResetsTheCount() {
        lockout.failed("bob");
        lockout.failed("bob");
        lockout.succeeded("bob");
        assertThat(lockout.failed("bob")).isFalse();
        assertThat(lockout.lockedUntil("bob")).isEmpty();
    }
}
