package dev.cistern.server;

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
 * Replaces a small file of the data directory whole (config, known logins, alerts and events, the TLS key):
 * the new content goes to a temporary sibling, is fsynced, renamed over the file and the directory fsynced,
 * so a crash at any point leaves the old content or the new one, never a torn or empty file, and a replace
 * that returned is there after a power loss. Callers serialise replaces of one file (the temporary name is
 * fixed, so a crashed replace's leftover is simply overwritten by the next).
 */
public final class DurableFile {
    private DurableFile() {
    }

    /**
     * Replaces {@code file} with {@code content}; readable by its owner only (it may hold secrets or
     * addresses). On failure the file is unchanged and the temporary one removed.
     */
    public static void replace(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ownerOnly(tmp); // before the content is in it
                ByteBuffer buf = ByteBuffer.wrap(content);
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
                // overwritten by the next replace anyway
            }
            throw e;
        }
    }

    /** True when {@code e} says the file system is full (ENOSPC). */
    public static boolean isNoSpace(IOException e) {
        return dev.cistern.engine.EngineException.saysNoSpace(e.getMessage());
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
