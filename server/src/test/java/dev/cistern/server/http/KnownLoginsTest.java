package dev.cistern.server.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class KnownLoginsTest {
    private static final Duration KEEP = Duration.ofDays(30);

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();

    private Path file() {
        return dir.resolve("config").resolve("known-logins.json");
    }

    private KnownLogins load() {
        return KnownLogins.load(file(), clock, 16, KEEP, name -> !name.equals("deleted"));
    }

    @Test
    void addressesSurviveAReloadAndExpireAfterTheirTime() {
        KnownLogins k = load();
        k.add("admin", "10.0.0.1");
        clock.advance(Duration.ofDays(10));
        k.add("admin", "10.0.0.2");

        KnownLogins reloaded = load();
        assertThat(reloaded.known("admin", "10.0.0.1")).isTrue();
        assertThat(reloaded.known("admin", "10.0.0.2")).isTrue();
        assertThat(reloaded.known("bob", "10.0.0.1")).isFalse();

        clock.advance(Duration.ofDays(21)); // 31 days after the first, 21 after the second
        KnownLogins later = load();
        assertThat(later.known("admin", "10.0.0.1")).as("dropped at load after %s", KEEP).isFalse();
        assertThat(later.known("admin", "10.0.0.2")).isTrue();
    }

    @Test
    void aRefreshIsWrittenAtMostOnceADayANewAddressAtOnce() throws Exception {
        KnownLogins k = load();
        k.add("admin", "10.0.0.1");
        Files.setLastModifiedTime(file(), FileTime.fromMillis(0));
        clock.advance(Duration.ofHours(23));
        k.add("admin", "10.0.0.1");
        assertThat(Files.getLastModifiedTime(file()).toMillis()).as("not rewritten within a day").isZero();
        clock.advance(Duration.ofHours(1));
        k.add("admin", "10.0.0.1");
        assertThat(Files.getLastModifiedTime(file()).toMillis()).as("refreshed a day after it was written").isNotZero();

        Files.setLastModifiedTime(file(), FileTime.fromMillis(0));
        k.add("admin", "10.0.0.2");
        assertThat(Files.getLastModifiedTime(file()).toMillis()).as("a new address is written").isNotZero();
        clock.advance(KEEP.minusHours(1));
        assertThat(load().known("admin", "10.0.0.1")).as("the refresh was saved").isTrue();
    }

    @Test
    void aDeletedUserLosesItsAddressesOnDiskToo() {
        KnownLogins k = load();
        k.add("admin", "10.0.0.1");
        k.add("ops", "10.0.0.1");
        k.add("deleted", "10.0.0.1"); // deleted while the file could not be written: not loaded
        k.forget("ops");
        assertThat(k.known("ops", "10.0.0.1")).isFalse();
        KnownLogins reloaded = load();
        assertThat(reloaded.known("ops", "10.0.0.1")).isFalse();
        assertThat(reloaded.known("deleted", "10.0.0.1")).isFalse();
        assertThat(reloaded.known("admin", "10.0.0.1")).isTrue();
    }

    @Test
    void aCorruptFileIsIgnoredWithALogLineAndReplacedByTheNextLogin() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"format\":1,\"names\":{\"admin\":{\"10.0.0.1\":");
        Logger logger = (Logger) LoggerFactory.getLogger(KnownLogins.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        KnownLogins k;
        try {
            k = load();
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).hasSize(1);
        assertThat(logged.list.getFirst().getFormattedMessage())
                .startsWith("ignoring known login addresses file " + file() + ": cannot read it")
                .contains("logins start with no known addresses");
        assertThat(k.known("admin", "10.0.0.1")).isFalse();
        k.add("admin", "10.0.0.2");
        assertThat(load().known("admin", "10.0.0.2")).isTrue();
    }

    /**
     * A login while the clock ran ahead (a wrong RTC, an NTP step back later) must not leave the address
     * known for the length of the clock's error on top of {@link #KEEP}: an address is known at most
     * {@code KEEP} after the time the server last saw it, in memory and after a reload.
     */
    @Test
    void aLoginUnderAClockThatRanAheadIsNotKnownForLongerThanItsTime() {
        KnownLogins k = load();
        clock.advance(Duration.ofDays(365));
        k.add("admin", "10.0.0.1");
        clock.advance(Duration.ofDays(-365)); // the clock is put right
        assertThat(k.known("admin", "10.0.0.1")).isTrue();
        KnownLogins reloaded = load();
        assertThat(reloaded.known("admin", "10.0.0.1")).isTrue();
        clock.advance(KEEP.plusDays(1));
        assertThat(k.known("admin", "10.0.0.1")).as("in memory, %s after the clock was put right", KEEP).isFalse();
        assertThat(reloaded.known("admin", "10.0.0.1")).as("reloaded, %s after", KEEP).isFalse();
    }

    /**
     * A time after now, read as now, must be written back as such: left in the file it would be read as the
     * time of each later start, and an address nobody logs in from would stay known 30 days past every restart.
     */
    @Test
    void aTimeAfterNowIsWrittenBackAsNowSoRestartsDoNotRenewIt() {
        KnownLogins k = load();
        clock.advance(Duration.ofDays(365));
        k.add("admin", "10.0.0.1"); // written with the clock a year ahead
        clock.advance(Duration.ofDays(-365));
        load();                                          // a start: read as now
        clock.advance(Duration.ofDays(20));
        load();                                          // another start, 20 days later
        clock.advance(Duration.ofDays(11));
        assertThat(load().known("admin", "10.0.0.1")).as("31 days after the first start read it").isFalse();
    }

    /** A time at the end of Instant's range in the file must neither break a login nor make an address known for good. */
    @Test
    void aTimeAtTheEndOfTimeInTheFileIsClampedToNow() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{\"format\":1,\"names\":{\"admin\":{\"10.0.0.1\":\"" + java.time.Instant.MAX + "\"}}}");
        KnownLogins k = load();
        assertThat(k.known("admin", "10.0.0.1")).isTrue();
        clock.advance(KEEP.plusDays(1));
        assertThat(k.known("admin", "10.0.0.1")).isFalse();
    }

    /**
     * A user deleted while it logged in: the delete forgets its addresses, then the login's success adds one.
     * It must not stay known (on disk neither) for a user created later under the name.
     */
    @Test
    void aLoginThatEndsAfterItsUserWasDeletedLeavesNoAddress() {
        java.util.Set<String> users = new java.util.HashSet<>(java.util.Set.of("admin", "ops"));
        KnownLogins k = KnownLogins.load(file(), clock, 16, KEEP, users::contains);
        k.add("ops", "10.0.0.1");
        users.remove("ops"); // DELETE /users/ops: the config first,
        k.forget("ops");     // then its addresses
        k.add("ops", "10.0.0.2"); // the tail of a login that checked the password before the delete
        k.add("admin", "10.0.0.3");
        users.add("ops"); // created again
        assertThat(k.known("ops", "10.0.0.2")).isFalse();
        assertThat(KnownLogins.load(file(), clock, 16, KEEP, users::contains).known("ops", "10.0.0.2")).isFalse();
    }

    /**
     * The server writes at most {@code MAX_TRACKED} names of {@code perName} addresses (some MiB); a file far
     * larger is not its own, and is not parsed into memory at start, where it would hold the whole tree at once.
     */
    @Test
    void aFileFarLargerThanTheServerWritesIsNotRead() throws Exception {
        Files.createDirectories(file().getParent());
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file().toFile(), "rw")) {
            f.setLength(KnownLogins.MAX_FILE_BYTES + 1); // sparse: no disk used
        }
        Logger logger = (Logger) LoggerFactory.getLogger(KnownLogins.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try {
            assertThat(load().known("admin", "10.0.0.1")).isFalse();
        } finally {
            logger.detachAppender(logged);
        }
        assertThat(logged.list).hasSize(1);
        assertThat(logged.list.getFirst().getFormattedMessage())
                .startsWith("ignoring known login addresses file " + file() + ": it is " + (KnownLogins.MAX_FILE_BYTES + 1)
                        + " bytes, more than the " + KnownLogins.MAX_FILE_BYTES + " this server writes at most");
    }

    @Test
    void aMissingFileIsAnEmptyList() {
        KnownLogins k = load();
        assertThat(k.known("admin", "10.0.0.1")).isFalse();
        assertThat(Files.exists(file())).as("nothing written before a login").isFalse();
    }
}
