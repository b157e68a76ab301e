package dev.cistern.server;

import dev.cistern.server.config.ConfigService;
import dev.cistern.server.config.ConfigStore;
import dev.cistern.server.config.PasswordHasher;
import dev.cistern.server.config.Role;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminBootstrapTest {
    @TempDir
    Path dir;
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    ConfigService config() {
        return new ConfigService(new ConfigStore(dir.resolve("config.json")), new PasswordHasher(1000), Clock.systemUTC());
    }

    AdminBootstrap bootstrap(ConfigService c) {
        return new AdminBootstrap(c, new PrintStream(printed, true, StandardCharsets.UTF_8));
    }

    @Test
    void aFreshServerGetsAGeneratedPasswordPrintedOnce() {
        ConfigService c = config();
        bootstrap(c).generateIfNoUsers();
        String out = printed.toString(StandardCharsets.UTF_8);
        String password = out.lines().findFirst().orElseThrow().replaceFirst(".*with password ", "");
        assertThat(password).hasSize(20);
        assertThat(c.checkPassword("admin", password.toCharArray())).isTrue();
        assertThat(c.user("admin").role()).isEqualTo(Role.ADMIN);

        printed.reset();
        bootstrap(config()).generateIfNoUsers();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void thePasswordFileCreatesOrResetsTheAdmin() throws Exception {
        Path file = dir.resolve("admin.pw");
        Files.writeString(file, "first-password\n");
        ConfigService c = config();
        bootstrap(c).fromFile(file);
        assertThat(c.checkPassword("admin", "first-password".toCharArray())).isTrue();
        Files.writeString(file, "second-password\n");
        bootstrap(c).fromFile(file);
        assertThat(c.checkPassword("admin", "second-password".toCharArray())).isTrue();

        Files.writeString(file, "");
        assertThatThrownBy(() -> bootstrap(c).fromFile(file)).hasMessageContaining("is empty");
        assertThatThrownBy(() -> bootstrap(c).fromFile(dir.resolve("missing")))
                .hasMessageStartingWith("cannot read admin password file");
    }

    @Test
    void initAsksTwiceAndChangesNothingWhenTheAnswersDiffer() {
        ConfigService c = config();
        ArrayDeque<String> answers = new ArrayDeque<>(List.of("one-password", "another-one"));
        assertThatThrownBy(() -> bootstrap(c).fromPrompt(q -> answers.pop().toCharArray()))
                .hasMessageContaining("differ; nothing was changed");
        assertThat(c.hasUsers()).isFalse();
        assertThatThrownBy(() -> bootstrap(c).fromPrompt(q -> null)).hasMessageContaining("--admin-password-file");

        ArrayDeque<String> same = new ArrayDeque<>(List.of("good-password", "good-password"));
        bootstrap(c).fromPrompt(q -> same.pop().toCharArray());
        assertThat(c.checkPassword("admin", "good-password".toCharArray())).isTrue();
    }
}
