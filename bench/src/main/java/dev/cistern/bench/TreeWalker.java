package dev.cistern.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    /** Where the tar-like stream goes, a buffer at a time (the buffer is reused once this returns). */
    interface Sink {
        void write(ByteBuffer bytes) throws IOException;
    }

    /**
     * Writes the tar-like stream of {@code root} to {@code out}; returns bytes written. Files are read
     * into a direct buffer, as a network client's data would arrive, with no copy on the heap.
     */
    static long write(Path root, Sink out) throws IOException {
        long n = 0;
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (Path p : files(root)) {
            byte[] header = (root.relativize(p) + "\n" + Files.size(p) + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.wrap(header));
            n += header.length;
            try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ)) {
                while (in.read(buf.clear()) > 0) {
                    n += buf.flip().remaining();
                    out.write(buf);
                }
            }
        }
        return n;
    }
}
