package dev.cistern.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI takes from the outside world, injectable so tests run commands in-process: environment
 * variables, the standard streams, where sessions are saved, and whether stdout is a terminal.
 *
 * @param configDir where {@code servers.json} (tokens and pinned certificates) lives
 * @param console   the terminal for prompts, or null when there is none
 */
public record CliEnvironment(Map<String, String> env, PrintStream out, PrintStream err, BufferedReader in,
                             Path configDir, Console console) {

    public static CliEnvironment system() {
        Map<String, String> env = System.getenv();
        return new CliEnvironment(env, System.out, System.err,
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), defaultConfigDir(env),
                System.console() != null && System.console().isTerminal() ? System.console() : null);
    }

    /**
     * {@code $CISTERN_CONFIG_DIR}, else {@code $XDG_CONFIG_HOME/cistern}, else {@code ~/.config/cistern}, where
     * {@code ~} is {@code $HOME} as for any shell tool (the JVM's user.home is the password file's entry, which
     * ignores a HOME set for one command or a sandbox), else user.home.
     */
    static Path defaultConfigDir(Map<String, String> env) {
        String explicit = env.get("CISTERN_CONFIG_DIR");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "cistern");
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".config", "cistern");
    }

    public String get(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    public boolean tty() {
        return console != null;
    }
}
