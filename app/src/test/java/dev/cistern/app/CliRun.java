package dev.cistern.app;

import dev.cistern.cli.CisternCli;
import dev.cistern.cli.CliEnvironment;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs one {@code cistern} command line in-process and captures what it printed. */
record CliRun(int exit, String out, String err) {

    static CliRun run(Path configDir, Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> e = new HashMap<>(env);
        CliEnvironment ce = new CliEnvironment(e, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new BufferedReader(new StringReader(stdin)), configDir, null);
        int code = CisternCli.run(args, ce);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The stderr lines; an error must be exactly one. */
    String[] errLines() {
        return err.isEmpty() ? new String[0] : err.split("\n");
    }
}
