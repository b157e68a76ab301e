package dev.cistern.server.service;

import dev.cistern.engine.CleanMode;
import dev.cistern.server.FakeEngine;
import dev.cistern.server.jobs.Job;
import dev.cistern.server.jobs.JobKind;
import dev.cistern.server.jobs.JobManager;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import static org.assertj.core.api.Assertions.assertThat;

class ScheduledCleanFiringTest {

    @Test
    void startsACleanJobWhenTheHourComes() throws Exception {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        ZonedDateTime justBefore = now.withHour(3).withMinute(59).withSecond(59).withNano(800_000_000);
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(now, justBefore));
        JobManager jobs = new JobManager(FakeEngine::new, clock);
        ScheduledCleanService s = new ScheduledCleanService(jobs, 4, clock);
        s.start();
        try {
            assertThat(s.health().message()).startsWith("next clean at " + justBefore.withMinute(0).withSecond(0).withNano(0).plusHours(1).toInstant());
            for (int i = 0; i < 100 && jobs.jobs().isEmpty(); i++) Thread.sleep(20);
            assertThat(jobs.jobs()).extracting(Job::kind).containsExactly(JobKind.CLEAN);
            assertThat(jobs.jobs().getFirst().view().startedBy()).isEqualTo("scheduler");
            // a full clean copies the live data of every container with any dead record: never unasked
            assertThat(jobs.jobs().getFirst().cleanMode()).isEqualTo(CleanMode.THRESHOLD);
            for (int i = 0; i < 100 && !s.health().message().contains("started as job"); i++) Thread.sleep(20);
            assertThat(s.health().message()).contains("next clean at " + justBefore.plusDays(1).withMinute(0).withSecond(0).withNano(0).plusHours(1).toInstant())
                    .contains("last scheduled clean started as job 1");
        } finally {
            s.stop();
        }
        assertThat(s.health().status()).isEqualTo(Health.Status.DOWN);
    }

    @Test
    void aTimerFiringBeforeTheClockReachesTheHourStartsOneClean() throws Exception {
        // a wall clock at half the timer's pace: when the timer fires, the clock has not reached 04:00 yet
        Instant start = ZonedDateTime.now(ZoneOffset.UTC).withHour(3).withMinute(59).withSecond(59).withNano(800_000_000).toInstant();
        long t0 = System.nanoTime();
        Clock slow = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Instant instant() {
                return start.plusNanos((System.nanoTime() - t0) / 2);
            }
        };
        JobManager jobs = new JobManager(FakeEngine::new, slow);
        ScheduledCleanService s = new ScheduledCleanService(jobs, 4, slow);
        s.start();
        try {
            for (int i = 0; i < 100 && jobs.jobs().isEmpty(); i++) Thread.sleep(20);
            Thread.sleep(600); // the clock passes 04:00 meanwhile
            assertThat(jobs.jobs()).extracting(Job::kind).containsExactly(JobKind.CLEAN);
            assertThat(s.health().message()).contains("next clean at " + start.plus(Duration.ofDays(1)).plusMillis(200));
        } finally {
            s.stop();
        }
    }
}
