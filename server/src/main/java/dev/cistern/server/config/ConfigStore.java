package dev.cistern.server.config;

import dev.cistern.server.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

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
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            byte[] bytes = Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ownerOnly(tmp);
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + file.getParent() + " cannot rename atomically", e);
            }
            syncDirectory(file.getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temp file is overwritten by the next save anyway
            }
            throw new ConfigException(ConfigException.Kind.IO_ERROR, "cannot save config file " + file + ": "
                    + e.getMessage() + "; nothing was changed, check free space and permissions", e);
        }
    }

    private static void ownerOnly(Path p) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: rely on the data directory's permissions
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some platforms cannot open directories; the rename itself is still atomic there
        }
    }
}
