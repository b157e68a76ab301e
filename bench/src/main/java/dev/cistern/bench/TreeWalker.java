package dev.cistern.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Serializes a file or directory tree into one stream, like tar: for each regular file in path order,
 * a small header (path, size) then its bytes. The same walk produces the bytes to compare a restore with.
 */
final class TreeWalker {
    private TreeWalker() {
    }

    static List<Path> files(Path root) throws IOException {
        if (Files.isRegularFile(root)) return List.of(root);
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static long logicalSize(Path root) throws IOException {
        long n = 0;
        for (Path p : files(root)) n += Files.size(p);
        return n;
    }

    /** Writes the tar-like stream of {@code root} to {@code out}; returns bytes written. */
    static long write(Path root, OutputStream out) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 20];
        for (Path p : files(root)) {
            byte[] header = (root.relativize(p) + "\n" + Files.size(p) + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(header);
            n += header.length;
            try (InputStream in = Files.newInputStream(p)) {
                int k;
                while ((k = in.read(buf)) > 0) {
                    out.write(buf, 0, k);
                    n += k;
                }
            }
        }
        return n;
    }
}
