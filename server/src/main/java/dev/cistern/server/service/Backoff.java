package dev.cistern.server.service;

import java.time.Duration;

/**
 * Exponential restart delay: {@code initial * 2^(failures-1)}, capped at {@code max}. A service that
 * keeps failing is retried ever less often, so a broken disk does not turn into a log flood.
 */
public record Backoff(Duration initial, Duration max) {
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));

    public Backoff {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + ", " + max);
        }
    }

    /** Delay before attempt number {@code consecutiveFailures} (1 = first restart). */
    public Duration delay(int consecutiveFailures) {
        int shift = Math.min(Math.max(consecutiveFailures - 1, 0), 30);
        long millis = initial.toMillis() << shift;
        return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
    }
}
