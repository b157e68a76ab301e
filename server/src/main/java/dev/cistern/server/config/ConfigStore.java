package dev.cistern.server.config;

import dev.cistern.server.DurableFile;
import dev.cistern.server.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Durable storage of {@link ConfigState} in one JSON file. A save writes a temporary file beside it,
 * fsyncs it, renames it over the old file atomically and fsyncs the directory, so after a crash the file
 * holds either the old or the new state, never a mix. The file holds password hashes, so it is made
 * readable by the owner only.
 */
public final class ConfigStore {
    private final Path file;

    public ConfigStore(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    /** What a hand-edited file lacks that every request would trip over, or null if nothing. */
    private static String incomplete(ConfigState s) {
        for (User u : s.users()) {
            if (u.name() == null || u.role() == null || u.passwordHash() == null || u.createdAt() == null) {
                return "a user lacks its name, role, password hash or creation time";
            }
        }
        for (ApiToken t : s.tokens()) {
            if (t.sha256() == null || t.user() == null || t.createdAt() == null || t.expiresAt() == null) {
                return "a token lacks its hash, user, creation or expiry time";
            }
        }
        return null;
    }

    /** The saved state, or {@link ConfigState#EMPTY} if nothing was saved yet. */
    public ConfigState load() {
        if (!Files.exists(file)) return ConfigState.EMPTY;
        try {
            ConfigState s = Json.mapper().readValue(file.toFile(), ConfigState.class);
            String broken = s == null ? "it holds no configuration (null)" : incomplete(s);
            if (broken != null) {
                throw new ConfigException(ConfigException.Kind.IO_ERROR, "cannot read config file " + file + ": "
                        + broken + "; restore it from a backup or move it away to start with a fresh config");
            }
            if (s.format() != ConfigState.FORMAT) {
                throw new ConfigException(ConfigException.Kind.IO_ERROR, "config file " + file + " has format "
                        + s.format() + " but this server reads format " + ConfigState.FORMAT + "; use a matching version");
            }
            return s;
        } catch (IOException e) {
            throw new ConfigException(ConfigException.Kind.IO_ERROR, "cannot read config file " + file + ": "
                    + e.getMessage() + "; restore it from a backup or move it away to start with a fresh config", e);
        }
    }

    public void save(ConfigState state) {
        try {
            DurableFile.replace(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
        } catch (IOException e) {
            throw new ConfigException(DurableFile.isNoSpace(e) ? ConfigException.Kind.NO_SPACE : ConfigException.Kind.IO_ERROR,
                    "cannot save config file " + file + ": " + e.getMessage() + "; nothing was changed, check free space and permissions", e);
        }
    }
}
