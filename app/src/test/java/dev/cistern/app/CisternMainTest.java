package dev.cistern.app;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's entry point sends each first word to the right program. */
class CisternMainTest {

    @Test
    void dispatchesServeBenchAndTheCli() {
        assertThat(CisternMain.run(new String[]{"serve", "--no-such-option"})).isEqualTo(2);
        assertThat(CisternMain.run(new String[]{"bench", "--help"})).isZero();
        assertThat(CisternMain.run(new String[]{"--version"})).isZero();
        assertThat(CisternMain.run(new String[]{"no-such-command"})).isEqualTo(2);
    }

    @Test
    void watchHelpPrintsItsUsageWithoutStartingAServer() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            code = CisternMain.run(new String[]{"watch", "--help"});
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertThat(code).isZero();
        assertThat(o.toString(StandardCharsets.UTF_8)).contains("Usage: cistern watch").contains("--data=DIR");
        // before: "cistern watch: started server (pid ..., start 1)", a child JVM running 'serve --help'
        assertThat(e.toString(StandardCharsets.UTF_8)).doesNotContain("started server");
    }
}
