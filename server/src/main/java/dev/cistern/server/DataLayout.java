package dev.cistern.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where the server keeps things under its data directory. The engine opens the data directory itself (its
 * {@code meta/} and {@code chunks/}); the server's own files live in subdirectories the engine does not use:
 * <pre>
 *   meta/, chunks/      the storage engine (see the README)
 *   config/config.json  users and API tokens (owner-readable only)
 *   config/known-logins.json  addresses each user logged in from, exempt from its login back-off
 *   tls/server.p12      the HTTPS key and self-signed certificate
 *   logs/cistern.log    the server log, rotated daily
 * </pre>
 * The directory itself is the owner's only ({@link #createPrivate}): the engine's files (the backups, and in
 * {@code meta/} the containers' properties, CHAP secrets included) are created with the process's umask,
 * usually world-readable, and only a closed directory keeps other local users out of them.
 */
public record DataLayout(Path root) {
    public DataLayout {
        root = root.toAbsolutePath().normalize();
    }

    public Path engineDir() {
        return root;
    }

    public Path configFile() {
        return root.resolve("config").resolve("config.json");
    }

    public Path knownLoginsFile() {
        return root.resolve("config").resolve("known-logins.json");
    }

    public Path keyStore() {
        return root.resolve("tls").resolve("server.p12");
    }

    public Path logDir() {
        return root.resolve("logs");
    }

    /**
     * Creates {@code root} as {@code rwx------}, or takes every permission of "others" from an existing one
     * (group permissions an admin gave on purpose stay). Nothing on file systems without POSIX permissions.
     *
     * @return what was changed, for the operator to read, or null if nothing was
     */
    public static String createPrivate(Path root) throws IOException {
        if (!Files.exists(root)) {
            Path parent = root.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try {
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (UnsupportedOperationException noPosix) {
                Files.createDirectory(root);
            }
            return null;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(root, PosixFileAttributeView.class);
        if (view == null) return null;
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        Set<PosixFilePermission> others = EnumSet.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        if (perms.stream().noneMatch(others::contains)) return null;
        String before = PosixFilePermissions.toString(perms);
        perms.removeAll(others);
        view.setPermissions(perms);
        return "data directory " + root + " was open to other users (" + before + "); now "
                + PosixFilePermissions.toString(perms) + ", so they cannot read the backups or secrets in it";
    }
}
