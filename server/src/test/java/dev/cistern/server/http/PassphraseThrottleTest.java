package dev.cistern.server.http;

import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PassphraseThrottleTest {
    private final MutableClock clock = new MutableClock();
    private final List<String> told = new ArrayList<>();
    private final PassphraseThrottle throttle = new PassphraseThrottle(clock, 2, Duration.ofSeconds(1), Duration.ofSeconds(3),
            new PassphraseThrottle.Alerts() {
                @Override
                public void raise(String key, String message) {
                    told.add("raise " + key + ": " + message.substring(0, message.indexOf(',')));
                }

                @Override
                public void clear(String key) {
                    told.add("clear " + key);
                }
            });

    @Test
    void eachWrongPassphraseThatStartsABackOffIsReportedAndACorrectOneClears() {
        throttle.failed("vault", "operator", "10.0.0.1");
        throttle.failed("vault", "operator", "10.0.0.1");
        assertThat(told).as("within the free failures").isEmpty();
        throttle.failed("vault", "operator", "10.0.0.1");
        assertThatThrownBy(() -> throttle.check("vault")).isInstanceOf(ApiException.class)
                .hasMessageEndingWith("try again in 1 s").extracting(e -> ((ApiException) e).retryAfterSeconds()).isEqualTo(1L);
        assertThatCode(() -> throttle.check("safe")).as("another group").doesNotThrowAnyException();
        clock.advance(Duration.ofSeconds(1));
        throttle.check("vault");
        throttle.failed("vault", "operator", "10.0.0.1");
        assertThat(told).containsExactly(
                "raise passphrase:vault: 3 wrong passphrases in a row for encrypted storage group 'vault'",
                "raise passphrase:vault: 4 wrong passphrases in a row for encrypted storage group 'vault'");

        // a right passphrase that raced past the check while a back-off started keeps the back-off
        throttle.succeeded("vault");
        assertThatThrownBy(() -> throttle.check("vault")).hasMessageContaining("(4 in a row)");
        assertThat(told).hasSize(2);

        clock.advance(Duration.ofSeconds(2));
        throttle.check("vault");
        throttle.succeeded("vault");
        assertThat(told).last().isEqualTo("clear passphrase:vault");
        throttle.failed("vault", "operator", "10.0.0.1");
        throttle.failed("vault", "operator", "10.0.0.1");
        assertThatCode(() -> throttle.check("vault")).as("free failures again").doesNotThrowAnyException();
    }

    @Test
    void aGroupInBackOffIsNotPushedOutByOtherGroupsFailures() {
        for (int i = 0; i < 3; i++) throttle.failed("vault", "operator", "10.0.0.1");
        for (int i = 0; i <= PassphraseThrottle.MAX_TRACKED; i++) throttle.failed("other-" + i, "operator", "10.0.0.1");
        assertThatThrownBy(() -> throttle.check("vault")).hasMessageContaining("storage group 'vault' (3 in a row)");
    }
}
