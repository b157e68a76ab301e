package dev.cistern.cli;

import com.fasterxml.jackson.core.type.TypeReference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code cistern login} remembers per server URL in {@code <config>/servers.json}: the pinned certificate
 * fingerprint and the bearer token, side by side. The file gives access to the server, so it is kept readable
 * by its owner only and replaced atomically.
 */
public final class SessionStore {
    /**
     * @param fingerprint SHA-256 of the server certificate trusted at first use, or null
     * @param token       bearer token of the last login, or null after logout
     */
    public record Entry(String fingerprint, String token, String user, String expiresAt) {
        Entry withToken(String t, String u, String exp) {
            return new Entry(fingerprint, t, u, exp);
        }

        Entry withFingerprint(String f) {
            return new Entry(f, token, user, expiresAt);
        }
    }

    private final Path file;

    public SessionStore(Path configDir) {
        this.file = configDir.resolve("servers.json");
    }

    public Path file() {
        return file;
    }

    public Entry get(String server) {
        Entry e = load().get(server);
        return e == null ? new Entry(null, null, null, null) : e;
    }

    public void put(String server, Entry entry) {
        update(server, old -> entry);
    }

    /**
     * Changes the entry of {@code server} under a lock on the directory's lock file, so two commands saving at
     * once (two logins, a login and a pin) do not lose one's change. The file is written new, readable by its
     * owner only from its creation (the token is in it), and renamed over the old one.
     */
    public void update(String server, java.util.function.UnaryOperator<Entry> change) {
        Path dir = file.getParent();
        try {
            createPrivateDirectory(dir);
            try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(dir.resolve("servers.lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 java.nio.channels.FileLock ignored = lockFile.lock()) {
                Map<String, Entry> all = load();
                all.put(server, change.apply(all.getOrDefault(server, new Entry(null, null, null, null))));
                Path tmp = Files.createTempFile(dir, "servers", ".tmp", PRIVATE_FILE);
                try {
                    Files.write(tmp, CliJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new CliException(CliException.FAILED, "cannot save session in " + file + ": " + e.getMessage());
        }
    }

    private static final java.nio.file.attribute.FileAttribute<?>[] PRIVATE_FILE = posix("rw-------");

    private static java.nio.file.attribute.FileAttribute<?>[] posix(String perms) {
        return java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
                ? new java.nio.file.attribute.FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms))}
                : new java.nio.file.attribute.FileAttribute<?>[0];
    }

    /** The config directory, made enterable by its owner only if this creates it. */
    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) return;
        Path parent = dir.getParent();
        if (parent != null) Files.createDirectories(parent);
        try {
            Files.createDirectory(dir, posix("rwx------"));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // made meanwhile by another command
        }
    }

    private Map<String, Entry> load() {
        if (!Files.exists(file)) return new TreeMap<>();
        try {
            return new TreeMap<>(CliJson.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Entry>>() { }));
        } catch (IOException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new CliException(CliException.FAILED, "cannot read " + file + ": " + ApiClient.oneLine(why)
                    + "; delete it and run 'cistern login' again");
        }
    }
}
