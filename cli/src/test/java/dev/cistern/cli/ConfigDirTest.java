package dev.cistern.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the CLI keeps logins and pinned certificates: the variables a shell user sets win, in order. */
class ConfigDirTest {
    @Test
    void explicitDirectoryThenXdgThenHome() {
        assertThat(CliEnvironment.defaultConfigDir(Map.of("CISTERN_CONFIG_DIR", "/c", "XDG_CONFIG_HOME", "/x", "HOME", "/h")))
                .isEqualTo(Path.of("/c"));
        assertThat(CliEnvironment.defaultConfigDir(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")))
                .isEqualTo(Path.of("/x", "cistern"));
        // HOME set for one command (HOME=/tmp/t cistern login) must not log in to the password file's home
        assertThat(CliEnvironment.defaultConfigDir(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h", ".config", "cistern"));
    }

    @Test
    void withoutVariablesTheAccountsHome() {
        assertThat(CliEnvironment.defaultConfigDir(Map.of("HOME", " ")))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".config", "cistern"));
        assertThat(CliEnvironment.defaultConfigDir(Map.of()))
                .isEqualTo(Path.of(System.getProperty("user.home"), ".config", "cistern"));
    }
}
