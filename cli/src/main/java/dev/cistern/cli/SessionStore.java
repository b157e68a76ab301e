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
        Map<String, Entry> all = load();
        all.put(server, entry);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("servers.json.tmp");
            Files.write(tmp, CliJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(all));
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not POSIX: the user's home directory permissions protect it
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CliException(CliException.FAILED, "cannot save session in " + file + ": " + e.getMessage());
        }
    }

    private Map<String, Entry> load() {
        if (!Files.exists(file)) return new TreeMap<>();
        try {
            return new TreeMap<>(CliJson.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Entry>>() { }));
        } catch (IOException e) {
            throw new CliException(CliException.FAILED, "cannot read " + file + ": " + e.getMessage()
                    + "; delete it and run 'cistern login' again");
        }
    }
}
