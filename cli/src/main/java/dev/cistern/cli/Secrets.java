package dev.cistern.cli;

import java.io.IOException;

/**
 * Reads passwords and passphrases: from stdin with the command's {@code --*-stdin} flag (one per line, for
 * scripts), else from the terminal without echo. Never from command-line arguments, which other users can see
 * in {@code ps}. Without the flag, stdin is not read even when it is a pipe: a pipe nobody writes to (cron,
 * CI, ssh) would leave the command waiting for ever. The terminal is asked only when stdin and stdout both
 * are one ({@link CliEnvironment#console}), so a prompt never lands in output a script parses; otherwise the
 * command fails at once (exit 2) naming the flag, and the environment variable if there is one.
 */
final class Secrets {
    private final CliEnvironment env;
    private final String stdinFlag;
    private final String envVariable;

    /** @param stdinFlag the command's option to read from stdin; @param envVariable one holding the secret, or null */
    Secrets(CliEnvironment env, String stdinFlag, String envVariable) {
        this.env = env;
        this.stdinFlag = stdinFlag;
        this.envVariable = envVariable;
    }

    Secrets(CliEnvironment env, String stdinFlag) {
        this(env, stdinFlag, null);
    }

    /** Fails (exit 2) if the {@code what} could be read from nowhere: run before contacting the server. */
    void requireSource(String what, boolean fromStdin) {
        if (fromStdin || env.console() != null) return;
        throw new CliException(CliException.USAGE, "cannot ask for the " + what + ": stdin and stdout are not both a terminal;"
                + " pass it on stdin with " + stdinFlag + (envVariable == null ? "" : " or set " + envVariable));
    }

    char[] read(String what, boolean fromStdin, boolean confirm) {
        if (fromStdin) {
            try {
                String line = env.in().readLine();
                if (line == null || line.isEmpty()) {
                    throw new CliException(CliException.USAGE, "expected the " + what + " on a line of stdin (" + stdinFlag + "), got nothing");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new CliException(CliException.FAILED, "cannot read the " + what + " from stdin: " + e.getMessage());
            }
        }
        requireSource(what, false);
        char[] v = env.console().readPassword("%s: ", capitalize(what));
        if (v == null || v.length == 0) throw new CliException(CliException.USAGE, "no " + what + " given");
        if (confirm) {
            char[] again = env.console().readPassword("Repeat the %s: ", what);
            if (again == null || !java.util.Arrays.equals(v, again)) {
                throw new CliException(CliException.USAGE, "the two " + what + "s differ; nothing was changed");
            }
        }
        return v;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
