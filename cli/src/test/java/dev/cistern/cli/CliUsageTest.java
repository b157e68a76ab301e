package dev.cistern.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Usage errors are caught before any network access, as one line with exit code 2. */
class CliUsageTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = CisternCli.run(args, new CliEnvironment(env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new BufferedReader(new StringReader("")), dir, null));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPlainHttpServerUrlIsRefused() {
        Result r = run(Map.of("CISTERN_SERVER", "http://127.0.0.1:5233"), "stats");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("cistern: server URL 'http://127.0.0.1:5233' must start with https://\n");
    }

    @Test
    void aMissingRequiredOptionIsOneLine() {
        Result r = run(Map.of(), "container", "add", "c1", "--protocol", "s3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("cistern: Missing required option: '--storage-group=GROUP'");
    }

    @Test
    void globalOptionsWorkAfterTheSubcommand() {
        Result r = run(Map.of(), "storage-group", "list", "--server", "ftp://x", "--json");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("cistern: server URL 'ftp://x' must start with https://\n");
    }

    @Test
    void fullTakesNoValueAndItsHelpSaysWhatItCosts() {
        Result r = run(Map.of("CISTERN_SERVER", "https://127.0.0.1:1"), "clean", "--full=maybe");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("cistern: ").contains("--full").contains("maybe");
        Result help = run(Map.of(), "clean", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out().replaceAll("\\s+", " ")).contains("--full")
                .contains("copies the live data of every container with any dead record");
    }

    @Test
    void aSecretIsNeverReadFromATerminalThatIsNotThere() {
        Result r = run(Map.of("CISTERN_SERVER", "https://127.0.0.1:1"), "login", "--user", "admin");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("cistern: no terminal to ask for the password");
    }
}
