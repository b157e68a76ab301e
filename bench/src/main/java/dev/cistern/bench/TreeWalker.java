package dev.cistern.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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

    /** Buffers the reader fills ahead of the sink: a backup client reads its next files while it sends. */
    private static final int READ_AHEAD = 4;
    private static final int BUFFER = 1 << 20;

    /**
     * Writes the tar-like stream of {@code root} to {@code out}; returns bytes written. A reader thread
     * reads the files into direct buffers (as a network client's data would arrive, no copy on the
     * heap) a few buffers ahead, the way a client's reader and sender overlap (tar piped into a
     * backup client, or restic's file readers): the sink never waits for a read() from the page cache.
     */
    static long write(Path root, Sink out) throws IOException {
        List<Path> files = files(root);
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(READ_AHEAD);
        for (int i = 0; i < READ_AHEAD; i++) free.add(ByteBuffer.allocateDirect(BUFFER));
        BlockingQueue<Object> filled = new LinkedBlockingQueue<>();
        Object end = new Object();
        Thread reader = Thread.ofPlatform().daemon().name("tree-reader").start(() -> {
            try {
                ByteBuffer buf = free.take();
                for (Path p : files) {
                    byte[] header = (root.relativize(p) + "\n" + Files.size(p) + "\n").getBytes(StandardCharsets.UTF_8);
                    for (int h = 0; h < header.length; ) {
                        int k = Math.min(buf.remaining(), header.length - h);
                        buf.put(header, h, k);
                        h += k;
                        if (!buf.hasRemaining()) {
                            filled.put(buf.flip());
                            buf = free.take();
                        }
                    }
                    try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ)) {
                        while (in.read(buf) >= 0) {
                            if (!buf.hasRemaining()) {
                                filled.put(buf.flip());
                                buf = free.take();
                            }
                        }
                    }
                }
                if (buf.position() > 0) filled.put(buf.flip());
                filled.put(end);
            } catch (InterruptedException e) {
                // the sink failed and stopped taking buffers
            } catch (Throwable t) {
                filled.add(t);
            }
        });
        long n = 0;
        try {
            while (true) {
                Object item = filled.take();
                if (item == end) return n;
                if (item instanceof IOException e) throw new IOException("reading " + root + " failed: " + e.getMessage(), e);
                if (item instanceof Throwable t) throw new IllegalStateException("reading " + root + " failed", t);
                ByteBuffer buf = (ByteBuffer) item;
                n += buf.remaining();
                out.write(buf);
                free.add(buf.clear());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + root, e);
        } finally {
            reader.interrupt();
        }
    }
}
