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

    /**
     * A right passphrase whose clear of the alert is slow (the health store writes to disk) while wrong ones
     * start a back-off: the back-off's alert must stay open, as the back-off does, not be cleared by the
     * success that came before it.
     */
    @Test
    void aSlowClearOfAnEarlierSuccessDoesNotClearTheAlertOfALaterBackOff() throws Exception {
        java.util.concurrent.CountDownLatch inClear = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean first = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.Set<String> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
        PassphraseThrottle t = new PassphraseThrottle(clock, 2, Duration.ofSeconds(1), Duration.ofSeconds(3),
                new PassphraseThrottle.Alerts() {
                    @Override
                    public void raise(String key, String message) {
                        open.add(key);
                    }

                    @Override
                    public void clear(String key) {
                        if (first.compareAndSet(true, false)) {
                            inClear.countDown();
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        }
                        open.remove(key);
                    }
                });
        Thread right = Thread.ofPlatform().start(() -> t.succeeded("vault"));
        assertThat(inClear.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Thread wrong = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 3; i++) t.failed("vault", "operator", "10.0.0.1");
        });
        wrong.join(500); // done by now, or waiting for the success to be told: either must end consistent
        release.countDown();
        right.join(5_000);
        wrong.join(5_000);
        assertThat(right.isAlive() || wrong.isAlive()).isFalse();
        assertThatThrownBy(() -> t.check("vault")).as("the back-off runs").isInstanceOf(ApiException.class);
        assertThat(open).as("so its alert is open").containsExactly("passphrase:vault");
    }

    /** With wrong passphrases on record, one check of a group at a time; without, many (unlocks by many hosts). */
    @Test
    void oneCheckOfAGroupWithWrongPassphrasesOnRecordRunsAtATime() {
        try (PassphraseThrottle.Attempt a = throttle.begin("vault");
             PassphraseThrottle.Attempt b = throttle.begin("vault")) {
            a.succeeded();
            b.succeeded();
        }
        try (PassphraseThrottle.Attempt a = throttle.begin("vault")) {
            a.failed("operator", "10.0.0.1");
        }
        try (PassphraseThrottle.Attempt a = throttle.begin("vault")) {
            assertThatThrownBy(() -> throttle.begin("vault")).isInstanceOf(ApiException.class)
                    .hasMessage("wrong passphrases for storage group 'vault' are on record and another check of it is"
                            + " running; one runs at a time: try again in 1 s")
                    .extracting(e -> ((ApiException) e).retryAfterSeconds()).isEqualTo(1L);
            assertThatCode(() -> throttle.begin("safe").close()).as("another group").doesNotThrowAnyException();
            a.failed("operator", "10.0.0.1");
        }
        try (PassphraseThrottle.Attempt a = throttle.begin("vault")) {
            a.succeeded();
        }
        assertThatCode(() -> throttle.begin("vault").close()).doesNotThrowAnyException();
    }
}
