package dev.cistern.server.http;

import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(clock, 3, Duration.ofSeconds(2), Duration.ofSeconds(5));

    @Test
    void repeatedFailuresBlockTheNameForGrowingDelays() {
        for (int i = 0; i < 3; i++) {
            throttle.check("admin", "10.0.0.1");
            throttle.failed("admin");
        }
        assertThatCode(() -> throttle.check("admin", "10.0.0.1")).doesNotThrowAnyException();
        throttle.failed("admin");                      // 4th: blocked 2 s
        assertThatThrownBy(() -> throttle.check("admin", "10.0.0.1"))
                .isInstanceOf(ApiException.class)
                .hasMessage("too many failed logins for user 'admin' (4 in a row); try again in 2 s")
                .extracting(e -> ((ApiException) e).status()).isEqualTo(429);
        assertThatCode(() -> throttle.check("bob", "10.0.0.1")).doesNotThrowAnyException();
        clock.advance(Duration.ofSeconds(2));
        throttle.check("admin", "10.0.0.1");
        throttle.failed("admin");                      // 5th: 4 s
        clock.advance(Duration.ofSeconds(3));
        assertThatThrownBy(() -> throttle.check("admin", "10.0.0.1")).hasMessageEndingWith("try again in 1 s");
        clock.advance(Duration.ofSeconds(1));
        throttle.failed("admin");                      // 6th: capped at 5 s
        clock.advance(Duration.ofMillis(4999));
        assertThatThrownBy(() -> throttle.check("admin", "10.0.0.1")).isInstanceOf(ApiException.class);
        clock.advance(Duration.ofMillis(1));
        throttle.succeeded("admin", "10.0.0.1");
        throttle.failed("admin");
        assertThatCode(() -> throttle.check("admin", "10.0.0.1")).doesNotThrowAnyException();
    }

    /** A spray of names tried once each must not push a name out of its back-off (which would reset it). */
    @Test
    void sprayingNamesDoesNotEvictANameInBackOff() {
        for (int i = 0; i < 4; i++) throttle.failed("admin");
        assertThatThrownBy(() -> throttle.check("admin", "10.0.0.1")).isInstanceOf(ApiException.class);
        for (int i = 0; i <= LoginThrottle.MAX_TRACKED; i++) throttle.failed("spray-" + i);
        assertThatThrownBy(() -> throttle.check("admin", "10.0.0.1")).hasMessageStartingWith("too many failed logins for user 'admin' (4 in a row)");
    }

    /**
     * Wrong guesses from elsewhere must not lock the real user out: an address the name logged in from gets
     * past the name's back-off (and learns it is known); any other address stays refused, right password or not,
     * and the known address's success during the attack leaves the back-off in place.
     */
    @Test
    void aBackOffDoesNotLockOutAnAddressTheNameLoggedInFrom() {
        assertThat(throttle.check("admin", "10.0.0.1")).as("known before any login").isFalse();
        throttle.succeeded("admin", "10.0.0.1");
        for (int i = 0; i < 6; i++) throttle.failed("admin");   // from elsewhere
        assertThatThrownBy(() -> throttle.check("admin", "10.0.0.99")).isInstanceOf(ApiException.class);
        assertThat(throttle.check("admin", "10.0.0.1")).as("the admin's own address").isTrue();
        assertThat(throttle.check("bob", "10.0.0.1")).as("known for admin only").isFalse();
        throttle.succeeded("admin", "10.0.0.1");
        assertThatThrownBy(() -> throttle.check("admin", "10.0.0.99")).as("back-off kept after the admin's login")
                .hasMessageStartingWith("too many failed logins for user 'admin' (6 in a row)");
        clock.advance(LoginThrottle.KNOWN_FOR.plusSeconds(1));
        assertThat(throttle.known("admin", "10.0.0.1")).as("forgotten after %s", LoginThrottle.KNOWN_FOR).isFalse();
    }

    @Test
    void aClockSetBackDoesNotStretchTheBackOffBeyondItsMaximum() {
        for (int i = 0; i < 4; i++) throttle.failed("admin");   // 4th: blocked 2 s
        clock.advance(Duration.ofHours(-1));
        assertThatThrownBy(() -> throttle.check("admin", "10.0.0.1")).as("still in the back-off")
                .hasMessageEndingWith("try again in 5 s");
        clock.advance(Duration.ofSeconds(5));
        assertThatCode(() -> throttle.check("admin", "10.0.0.1")).as("not an hour more for the name")
                .doesNotThrowAnyException();
    }

    /**
     * While a name has failures on record its checks run one at a time (a known address excepted); a name
     * without failures may be checked many times at once (many clients logging in as one account).
     */
    @Test
    void aNameWithFailuresOnRecordIsCheckedOneAtATime() {
        try (LoginThrottle.Attempt a = throttle.begin("backup", "10.0.0.1");
             LoginThrottle.Attempt b = throttle.begin("backup", "10.0.0.2")) {
            assertThat(a.known()).isFalse();
            a.succeeded();
            b.succeeded();
        }
        try (LoginThrottle.Attempt a = throttle.begin("admin", "10.0.0.3")) {
            a.failed();
            assertThatThrownBy(() -> throttle.begin("admin", "10.0.0.4")).isInstanceOf(ApiException.class)
                    .hasMessage("failed logins for user 'admin' are on record and another login of it is being checked;"
                            + " one runs at a time: try again in 1 s")
                    .extracting(e -> ((ApiException) e).retryAfterSeconds()).isEqualTo(1L);
            try (LoginThrottle.Attempt known = throttle.begin("backup", "10.0.0.1")) {
                assertThat(known.known()).as("another name").isTrue();
            }
        }
        try (LoginThrottle.Attempt a = throttle.begin("admin", "10.0.0.4")) {
            // the check before ended: this one runs; a known address of the name runs beside it
            throttle.succeeded("admin", "10.0.0.5");
            try (LoginThrottle.Attempt known = throttle.begin("admin", "10.0.0.5")) {
                assertThat(known.known()).isTrue();
            }
            a.failed();
        }
    }
}
