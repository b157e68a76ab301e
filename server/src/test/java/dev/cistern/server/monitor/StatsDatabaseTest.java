package dev.cistern.server.monitor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

class StatsDatabaseTest {
    @TempDir
    Path dir;
    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    @Test
    void countersBecomeRatesAndGaugesStayValues() {
        try (StatsDatabase db = new StatsDatabase(dir, 5)) {
            for (int i = 0; i <= 24; i++) {
                // 1000 bytes/s written, 200 bytes/s read; stored space grows 10 bytes per sample
                db.record(Subject.SERVER, T0.plusSeconds(5L * i), new Sample(100, 50, 40 + 10L * i, 9999, 5000L * i, 1000L * i));
            }
            Series s = db.series(Subject.SERVER, ChartRange.HOUR, T0.plusSeconds(120));
            assertThat(s.stepSeconds()).isEqualTo(5);
            assertThat(known(s.values().get("writeBytesPerSecond"))).isNotEmpty().allSatisfy(v -> assertThat(v).isEqualTo(1000.0));
            assertThat(known(s.values().get("readBytesPerSecond"))).isNotEmpty().allSatisfy(v -> assertThat(v).isEqualTo(200.0));
            assertThat(known(s.values().get("logicalBytes"))).allSatisfy(v -> assertThat(v).isEqualTo(100.0));
            assertThat(known(s.values().get("freeBytes"))).allSatisfy(v -> assertThat(v).isEqualTo(9999.0));
            assertThat(s.timestamps()).hasSameSizeAs(s.values().get("storedBytes"));
        }
    }

    @Test
    void aCounterResetIsAGapNotANegativeRateAndDataSurvivesAReopen() {
        try (StatsDatabase db = new StatsDatabase(dir, 1)) {
            db.record(Subject.container("files"), T0, new Sample(0, 0, 0, -1, 1_000_000, 0));
            db.record(Subject.container("files"), T0.plusSeconds(1), new Sample(0, 0, 0, -1, 1_000_100, 0));
            assertThat(db.record(Subject.container("files"), T0.plusSeconds(1), new Sample(0, 0, 0, -1, 5, 0)))
                    .as("a second sample in the same second is dropped").isFalse();
            db.record(Subject.container("files"), T0.plusSeconds(2), new Sample(0, 0, 0, -1, 0, 0));
        }
        try (StatsDatabase db = new StatsDatabase(dir, 1)) {
            Series s = db.series(Subject.container("files"), ChartRange.HOUR, T0.plusSeconds(3));
            assertThat(known(s.values().get("writeBytesPerSecond"))).containsExactly(100.0);
            assertThat(s.values().get("freeBytes")).allMatch(Objects::isNull);
        }
    }

    @Test
    void aSubjectNeverRecordedHasAnEmptySeriesAndLongRangesUseCoarserSteps() {
        try (StatsDatabase db = new StatsDatabase(dir, 5)) {
            Series none = db.series(Subject.group("nothing"), ChartRange.DAY, T0);
            assertThat(none.stepSeconds()).isEqualTo(60);
            assertThat(none.timestamps()).hasSize(1440);
            assertThat(none.values().get("storedBytes")).allMatch(Objects::isNull);
            db.record(Subject.SERVER, T0, new Sample(1, 1, 1, 1, 0, 0));
            assertThat(db.series(Subject.SERVER, ChartRange.WEEK, T0).stepSeconds()).isEqualTo(3600);
        }
    }

    private static List<Double> known(List<Double> l) {
        return l.stream().filter(Objects::nonNull).toList();
    }

    /** A sampling step of a minute or more makes the raw and the per-minute archives one (rrd4j refused two alike). */
    @Test
    void stepsOfAMinuteAndMoreRecordToo() {
        for (long step : new long[] {31, 60, 300}) {
            try (StatsDatabase db = new StatsDatabase(dir.resolve("s" + step), step)) {
                assertThat(db.record(Subject.SERVER, T0, new Sample(1, 1, 1, 1, 0, 0))).isTrue();
                assertThat(db.record(Subject.SERVER, T0.plusSeconds(step), new Sample(2, 2, 2, 2, 0, 0))).isTrue();
                assertThat(known(db.series(Subject.SERVER, ChartRange.DAY, T0.plusSeconds(2 * step)).values().get("logicalBytes")))
                        .as("step " + step).isNotEmpty();
            }
        }
    }

    /** A damaged file (half written before files were made aside and renamed) is moved aside and started again. */
    @Test
    void aDamagedFileIsMovedAsideAndRecordingGoesOn() throws Exception {
        try (StatsDatabase db = new StatsDatabase(dir, 5)) {
            db.record(Subject.SERVER, T0, new Sample(1, 1, 1, 1, 0, 0));
        }
        Path file = dir.resolve(Subject.SERVER.fileName());
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(100);
        }
        try (StatsDatabase db = new StatsDatabase(dir, 5)) {
            assertThat(db.record(Subject.SERVER, T0.plusSeconds(5), new Sample(2, 2, 2, 2, 0, 0))).isTrue();
        }
        assertThat(dir.resolve(Subject.SERVER.fileName() + ".damaged")).exists();
        assertThat(java.nio.file.Files.list(dir).map(p -> p.getFileName().toString()))
                .noneMatch(n -> n.endsWith(".tmp"));
    }

    /** The files of subjects that are gone (a deleted container) are closed and deleted. */
    @Test
    void filesOfSubjectsThatAreGoneAreDeleted() throws Exception {
        try (StatsDatabase db = new StatsDatabase(dir, 5)) {
            db.record(Subject.SERVER, T0, new Sample(1, 1, 1, 1, 0, 0));
            db.record(Subject.container("gone"), T0, new Sample(1, 1, 1, 1, 0, 0));
            db.forgetAllBut(java.util.Set.of(Subject.SERVER.fileName()));
            assertThat(dir.resolve(Subject.container("gone").fileName())).doesNotExist();
            assertThat(dir.resolve(Subject.SERVER.fileName())).exists();
            assertThat(db.record(Subject.SERVER, T0.plusSeconds(5), new Sample(2, 2, 2, 2, 0, 0))).isTrue();
        }
    }
}
