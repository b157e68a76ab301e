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
        assertThat(r.out()).as("no prompt on stdout").isEmpty();
        assertThat(r.err()).isEqualTo("cistern: cannot ask for the password: stdin and stdout are not both a terminal;"
                + " pass it on stdin with --password-stdin or set CISTERN_PASSWORD\n");
    }

    @Test
    void aMissingUserNameWithoutATerminalSaysWhatToUse() {
        Result r = run(Map.of("CISTERN_SERVER", "https://127.0.0.1:1"), "login");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("cistern: no user name and no terminal to ask for it: use --user or set CISTERN_USER\n");
    }

    /**
     * Every command that would ask for a secret fails at once, before contacting the server (the URL here
     * has nothing listening, which would be exit 3), naming its own flag.
     */
    @Test
    void everySecretPromptWithoutATerminalNamesItsFlagBeforeAnyNetwork() {
        Map<String, String> env = Map.of("CISTERN_SERVER", "https://127.0.0.1:1", "CISTERN_USER", "admin", "CISTERN_PASSWORD", "pw-pw-pw-pw");
        String[][] commands = {
                {"user", "add", "bob", "--role", "monitor"},
                {"user", "passwd", "bob"},
                {"storage-group", "add", "vault", "--encrypt"},
                {"storage-group", "unlock", "vault"},
                {"storage-group", "passwd", "vault"},
                {"container", "add", "disk", "--storage-group", "g", "--protocol", "iscsi", "--size", "1G", "--chap-user", "host1"},
        };
        for (String[] c : commands) {
            Result r = run(env, c);
            String flag = c[0].equals("user") ? "--password-stdin" : c[0].equals("container") ? "--chap-secret-stdin" : "--passphrase-stdin";
            assertThat(r.code()).as("%s: %s", String.join(" ", c), r.err()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err().lines().toList()).hasSize(1);
            assertThat(r.err()).startsWith("cistern: cannot ask for the ").contains("pass it on stdin with " + flag + "\n");
        }
    }

    /**
     * The real thing, in a process of its own: stdin a pipe nobody writes to or closes (as under cron or CI)
     * and stdout a pipe, so no terminal. The command must not wait for input and print nothing on stdout.
     */
    @Test
    void withoutATerminalLoginNeitherHangsNorPromptsOnStdout() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), CisternCli.class.getName(),
                "login", "--server", "https://127.0.0.1:1", "--user", "admin")
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .start();
        p.getOutputStream().flush(); // left open: input that never comes
        try {
            assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("exited without waiting for stdin").isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).as("stdout").isEmpty();
            assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("--password-stdin").contains("CISTERN_PASSWORD").hasLineCount(1);
        } finally {
            p.destroyForcibly();
            p.getOutputStream().close();
        }
    }
}
