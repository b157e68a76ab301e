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

    @Test
    void aMissingFileIsAnEmptyList() {
        KnownLogins k = load();
        assertThat(k.known("admin", "10.0.0.1")).isFalse();
        assertThat(Files.exists(file())).as("nothing written before a login").isFalse();
    }
}
