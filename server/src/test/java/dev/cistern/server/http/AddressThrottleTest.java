package dev.cistern.server.http;

import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final AddressThrottle throttle = new AddressThrottle(clock, 3, Duration.ofSeconds(10));

    @Test
    void anAddressGetsItsAllowanceThenOneAttemptPerRefill() {
        for (int i = 0; i < 3; i++) throttle.take("10.0.0.1");
        assertThatThrownBy(() -> throttle.take("10.0.0.1"))
                .isInstanceOf(ApiException.class)
                .hasMessage("too many failed logins from 10.0.0.1 (allowance of 3 used up, one more every 10 s); try again in 10 s")
                .satisfies(e -> assertThat(((ApiException) e).retryAfterSeconds()).isEqualTo(10));
        assertThatCode(() -> throttle.take("10.0.0.2")).doesNotThrowAnyException();
        clock.advance(Duration.ofSeconds(4));
        assertThatThrownBy(() -> throttle.take("10.0.0.1")).hasMessageEndingWith("try again in 6 s");
        clock.advance(Duration.ofSeconds(6));
        throttle.take("10.0.0.1");
        assertThatThrownBy(() -> throttle.take("10.0.0.1")).isInstanceOf(ApiException.class);
    }

    @Test
    void aSuccessfulLoginGivesItsAttemptBack() {
        for (int i = 0; i < 10; i++) {
            throttle.take("10.0.0.1");
            throttle.giveBack("10.0.0.1");
        }
        for (int i = 0; i < 3; i++) throttle.take("10.0.0.1");
        assertThatThrownBy(() -> throttle.take("10.0.0.1")).isInstanceOf(ApiException.class);
    }

    @Test
    void ipv6ClientsCountPerSlash64() throws Exception {
        assertThat(AddressThrottle.key(InetAddress.getByName("2001:db8:1:2:aaaa::1")))
                .isEqualTo(AddressThrottle.key(InetAddress.getByName("2001:db8:1:2:bbbb::2")))
                .isEqualTo("2001:0db8:0001:0002::/64");
        assertThat(AddressThrottle.key(InetAddress.getByName("192.0.2.7"))).isEqualTo("192.0.2.7");
    }
}
