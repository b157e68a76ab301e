package dev.cistern.server.service;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduledCleanServiceTest {

    @Test
    void nextRunIsTodayIfTheHourIsStillAheadElseTomorrow() {
        ZonedDateTime morning = ZonedDateTime.of(2026, 3, 10, 1, 30, 0, 0, ZoneOffset.UTC);
        assertThat(ScheduledCleanService.nextRunAfter(morning, 3)).isEqualTo(Instant.parse("2026-03-10T03:00:00Z"));
        ZonedDateTime exactly = ZonedDateTime.of(2026, 3, 10, 3, 0, 0, 0, ZoneOffset.UTC);
        assertThat(ScheduledCleanService.nextRunAfter(exactly, 3)).isEqualTo(Instant.parse("2026-03-11T03:00:00Z"));
        ZonedDateTime evening = ZonedDateTime.of(2026, 12, 31, 22, 0, 0, 0, ZoneOffset.UTC);
        assertThat(ScheduledCleanService.nextRunAfter(evening, 3)).isEqualTo(Instant.parse("2027-01-01T03:00:00Z"));
    }
}
