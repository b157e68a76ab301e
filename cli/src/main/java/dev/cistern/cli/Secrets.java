package dev.cistern.cli;

import java.io.IOException;

/**
 * Reads passwords and passphrases: from stdin with {@code --*-stdin} (one per line, for scripts), else from
 * the terminal without echo. Never from command-line arguments, which other users can see in {@code ps}.
 */
final class Secrets {
    private final CliEnvironment env;

    Secrets(CliEnvironment env) {
        this.env = env;
    }

    char[] read(String what, boolean fromStdin, boolean confirm) {
        if (fromStdin) {
            try {
                String line = env.in().readLine();
                if (line == null || line.isEmpty()) {
                    throw new CliException(CliException.USAGE, "expected the " + what + " on a line of stdin, got nothing");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new CliException(CliException.FAILED, "cannot read the " + what + " from stdin: " + e.getMessage());
            }
        }
        if (env.console() == null) {
            throw new CliException(CliException.USAGE, "no terminal to ask for the " + what + "; pass it on stdin with the --*-stdin option");
        }
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
