package dev.cistern.server.monitor;

import dev.cistern.server.http.ApiException;

import java.time.Duration;
import java.util.Locale;

/** The spans a chart can show, each read from the archive whose resolution suits it. */
public enum ChartRange {
    HOUR(Duration.ofHours(1), Duration.ZERO),
    DAY(Duration.ofDays(1), Duration.ofMinutes(1)),
    WEEK(Duration.ofDays(7), Duration.ofHours(1));

    private final Duration span;
    /** ZERO means "the raw samples". */
    private final Duration resolution;

    ChartRange(Duration span, Duration resolution) {
        this.span = span;
        this.resolution = resolution;
    }

    public Duration span() {
        return span;
    }

    public Duration resolution() {
        return resolution;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "hour", "day" or "week"; null means hour. */
    public static ChartRange parse(String s) {
        if (s == null) return HOUR;
        for (ChartRange r : values()) if (r.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) return r;
        throw ApiException.badRequest("invalid range '" + s + "': use hour, day or week");
    }
}
