package dev.cistern.server.http;

import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoginThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(clock, 3, Duration.ofSeconds(2), Duration.ofSeconds(5));

    @Test
    void repeatedFailuresBlockTheNameForGrowingDelays() {
        for (int i = 0; i < 3; i++) {
            throttle.check("admin");
            throttle.failed("admin");
        }
        assertThatCode(() -> throttle.check("admin")).doesNotThrowAnyException();
        throttle.failed("admin");                      // 4th: blocked 2 s
        assertThatThrownBy(() -> throttle.check("admin"))
                .isInstanceOf(ApiException.class)
                .hasMessage("too many failed logins for user 'admin' (4 in a row); try again in 2 s")
                .extracting(e -> ((ApiException) e).status()).isEqualTo(429);
        assertThatCode(() -> throttle.check("bob")).doesNotThrowAnyException();
        clock.advance(Duration.ofSeconds(2));
        throttle.check("admin");
        throttle.failed("admin");                      // 5th: 4 s
        clock.advance(Duration.ofSeconds(3));
        assertThatThrownBy(() -> throttle.check("admin")).hasMessageEndingWith("try again in 1 s");
        clock.advance(Duration.ofSeconds(1));
        throttle.failed("admin");                      // 6th: capped at 5 s
        clock.advance(Duration.ofMillis(4999));
        assertThatThrownBy(() -> throttle.check("admin")).isInstanceOf(ApiException.class);
        clock.advance(Duration.ofMillis(1));
        throttle.succeeded("admin");
        throttle.failed("admin");
        assertThatCode(() -> throttle.check("admin")).doesNotThrowAnyException();
    }

    /** A spray of names tried once each must not push a name out of its back-off (which would reset it). */
    @Test
    void sprayingNamesDoesNotEvictANameInBackOff() {
        for (int i = 0; i < 4; i++) throttle.failed("admin");
        assertThatThrownBy(() -> throttle.check("admin")).isInstanceOf(ApiException.class);
        for (int i = 0; i <= LoginThrottle.MAX_TRACKED; i++) throttle.failed("spray-" + i);
        assertThatThrownBy(() -> throttle.check("admin")).hasMessageStartingWith("too many failed logins for user 'admin' (4 in a row)");
    }
}
