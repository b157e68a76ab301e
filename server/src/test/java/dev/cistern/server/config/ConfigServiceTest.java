package dev.cistern.server.config;

import dev.cistern.engine.testing.SmallDisk;
import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigServiceTest {
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private final PasswordHasher hasher = new PasswordHasher(1000);

    private ConfigService open() {
        return new ConfigService(new ConfigStore(dir.resolve("config/config.json")), hasher, clock);
    }

    @Test
    void usersAndTokensSurviveAReopen() {
        ConfigService c = open();
        c.addUser("admin", Role.ADMIN, "secret-123".toCharArray());
        c.addUser("watcher", Role.MONITOR, "secret-456".toCharArray());
        LoginResult login = c.login("watcher", "secret-456".toCharArray(), Duration.ofHours(1));

        ConfigService again = open();
        assertThat(again.users()).extracting(User::name, User::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("admin", Role.ADMIN),
                        org.assertj.core.groups.Tuple.tuple("watcher", Role.MONITOR));
        assertThat(again.authenticate(login.token()).user()).isEqualTo("watcher");
        assertThat(again.checkPassword("admin", "secret-123".toCharArray())).isTrue();
    }

    @Test
    void theFileHoldsNeitherPasswordsNorTokens() throws Exception {
        ConfigService c = open();
        c.addUser("admin", Role.ADMIN, "secret-123".toCharArray());
        String token = c.login("admin", "secret-123".toCharArray(), Duration.ofHours(1)).token();
        String text = Files.readString(dir.resolve("config/config.json"));
        assertThat(text).doesNotContain("secret-123").doesNotContain(token).contains("pbkdf2-sha256$1000$");
    }

    @Test
    void aRefusedChangeLeavesFileAndMemoryAsTheyWere() throws Exception {
        ConfigService c = open();
        c.addUser("admin", Role.ADMIN, "secret-123".toCharArray());
        byte[] before = Files.readAllBytes(dir.resolve("config/config.json"));

        assertThatThrownBy(() -> c.addUser("admin", Role.MONITOR, "other-pass".toCharArray()))
                .isInstanceOf(ConfigException.class).hasMessage("user 'admin' already exists");
        assertThatThrownBy(() -> c.addUser("bad name!", Role.MONITOR, "other-pass".toCharArray()))
                .hasMessageStartingWith("invalid user name 'bad name!'");
        assertThatThrownBy(() -> c.addUser("bob", Role.MONITOR, "short".toCharArray()))
                .hasMessageContaining("too short");
        assertThatThrownBy(() -> c.deleteUser("admin")).hasMessageContaining("last admin");
        assertThatThrownBy(() -> c.setRole("admin", Role.MONITOR)).hasMessageContaining("last admin");

        assertThat(Files.readAllBytes(dir.resolve("config/config.json"))).isEqualTo(before);
        assertThat(c.users()).extracting(User::name).containsExactly("admin");
        assertThat(c.user("admin").role()).isEqualTo(Role.ADMIN);
    }

    @Test
    void aFailedSaveChangesNothingInMemory() throws Exception {
        Files.writeString(dir.resolve("config"), "a file where the directory should be");
        ConfigService c = open();
        assertThatThrownBy(() -> c.addUser("admin", Role.ADMIN, "secret-123".toCharArray()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot save config file")
                .hasMessageContaining("nothing was changed");
        assertThat(c.users()).isEmpty();
    }

    /** A full disk is told apart from other save failures: the API answers 507 for it, as for the engine's. */
    @Test
    void aSaveOnAFullDiskSaysSoAndKeepsTheFile() throws Exception {
        try (SmallDisk disk = new SmallDisk(dir.resolve("small"), 1)) {
            ConfigService c = new ConfigService(new ConfigStore(disk.root.resolve("config/config.json")), hasher, clock);
            c.addUser("admin", Role.ADMIN, "secret-123".toCharArray());
            byte[] before = Files.readAllBytes(disk.root.resolve("config/config.json"));
            Path filler = disk.fill(0);
            assertThatThrownBy(() -> c.addUser("bob", Role.MONITOR, "secret-456".toCharArray()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("No space left on device").hasMessageContaining("nothing was changed")
                    .extracting(e -> ((ConfigException) e).kind()).isEqualTo(ConfigException.Kind.NO_SPACE);
            assertThat(Files.readAllBytes(disk.root.resolve("config/config.json"))).isEqualTo(before);
            assertThat(c.users()).extracting(User::name).containsExactly("admin");
            Files.delete(filler);
        }
    }

    @Test
    void tokensExpireAndPasswordChangesRevokeThem() {
        ConfigService c = open();
        c.addUser("admin", Role.ADMIN, "secret-123".toCharArray());
        String shortLived = c.login("admin", "secret-123".toCharArray(), Duration.ofMinutes(5)).token();
        String longLived = c.login("admin", "secret-123".toCharArray(), Duration.ofHours(5)).token();
        clock.advance(Duration.ofMinutes(5));
        assertThatThrownBy(() -> c.authenticate(shortLived)).hasMessageStartingWith("token expired at 2026-01-01T00:05:00Z");
        assertThat(c.authenticate(longLived).role()).isEqualTo(Role.ADMIN);

        c.setPassword("admin", "new-secret-1".toCharArray());
        assertThatThrownBy(() -> c.authenticate(longLived)).hasMessageContaining("unknown or revoked token");
        assertThatThrownBy(() -> c.login("admin", "secret-123".toCharArray(), Duration.ofHours(1)))
                .hasMessage("wrong user name or password");
        assertThat(c.login("admin", "new-secret-1".toCharArray(), Duration.ofHours(1)).token()).startsWith("cst_");
    }

    @Test
    void loginDoesNotTellAWrongUserFromAWrongPassword() {
        ConfigService c = open();
        c.addUser("admin", Role.ADMIN, "secret-123".toCharArray());
        assertThatThrownBy(() -> c.login("nobody", "secret-123".toCharArray(), Duration.ofHours(1)))
                .hasMessage("wrong user name or password");
        assertThatThrownBy(() -> c.login("admin", "wrong-one".toCharArray(), Duration.ofHours(1)))
                .hasMessage("wrong user name or password");
    }

    @Test
    void passwordHashesCarryTheirIterationCount() {
        String h = new PasswordHasher(1200).hash("pw-pw-pw".toCharArray());
        assertThat(h).startsWith("pbkdf2-sha256$1200$");
        assertThat(new PasswordHasher(5).verify("pw-pw-pw".toCharArray(), h)).isTrue();
        assertThat(hasher.verify("pw-pw-px".toCharArray(), h)).isFalse();
        assertThat(hasher.verify("pw-pw-pw".toCharArray(), "md5$garbage")).isFalse();
    }
}
