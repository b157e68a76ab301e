package dev.cistern.server;

import dev.cistern.server.config.ConfigService;
import dev.cistern.server.config.Role;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Makes sure the user {@value #ADMIN} can log in, before the server starts serving:
 * <ul>
 *   <li>with {@code --admin-password-file}: its password is the file's first line (created or reset, so a
 *       secret managed outside Cistern stays authoritative);</li>
 *   <li>with {@code --init}: its password is asked for on the terminal (created or reset);</li>
 *   <li>otherwise, on a server without users: a random password is made and printed once.</li>
 * </ul>
 */
public final class AdminBootstrap {
    public static final String ADMIN = "admin";
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /** Asks for a new password on a terminal; null when there is no terminal. */
    @FunctionalInterface
    public interface Prompt {
        char[] newPassword(String question);
    }

    private final ConfigService config;
    private final PrintStream out;

    public AdminBootstrap(ConfigService config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    public void fromFile(Path file) {
        char[] pw;
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            pw = text.lines().findFirst().orElse("").toCharArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read admin password file " + file + ": " + e.getMessage(), e);
        }
        if (pw.length == 0) throw new IllegalArgumentException("admin password file " + file + " is empty");
        try {
            if (config.checkPassword(ADMIN, pw)) return;
            set(pw);
            out.println("Cistern: password of user '" + ADMIN + "' set from " + file);
        } finally {
            Arrays.fill(pw, '\0');
        }
    }

    public void fromPrompt(Prompt prompt) {
        char[] pw = prompt.newPassword("New password for user '" + ADMIN + "': ");
        if (pw == null) {
            throw new IllegalArgumentException("--init needs a terminal to ask for the admin password;"
                    + " use --admin-password-file FILE instead");
        }
        char[] again = prompt.newPassword("Repeat it: ");
        try {
            if (again == null || !Arrays.equals(pw, again)) throw new IllegalArgumentException("the two passwords differ; nothing was changed");
            set(pw);
            out.println("Cistern: password of user '" + ADMIN + "' set");
        } finally {
            Arrays.fill(pw, '\0');
            if (again != null) Arrays.fill(again, '\0');
        }
    }

    /** On a server without users, creates {@value #ADMIN} with a random password and prints it. */
    public void generateIfNoUsers() {
        if (config.hasUsers()) return;
        SecureRandom r = new SecureRandom();
        char[] pw = new char[20];
        for (int i = 0; i < pw.length; i++) pw[i] = ALPHABET.charAt(r.nextInt(ALPHABET.length()));
        config.addUser(ADMIN, Role.ADMIN, pw);
        out.println("Cistern: created user '" + ADMIN + "' with password " + new String(pw));
        out.println("Cistern: it is shown only this once; change it with 'cistern user passwd " + ADMIN + "'");
        Arrays.fill(pw, '\0');
    }

    private void set(char[] pw) {
        if (config.users().stream().anyMatch(u -> u.name().equals(ADMIN))) {
            config.setPassword(ADMIN, pw);
            if (config.user(ADMIN).role() != Role.ADMIN) config.setRole(ADMIN, Role.ADMIN);
        } else {
            config.addUser(ADMIN, Role.ADMIN, pw);
        }
    }
}
