package dev.cistern.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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

    /** Pieces the reader gets ready ahead of the sink: a backup client reads its next files while it sends. */
    private static final int READ_AHEAD = 4;
    private static final int BUFFER = 1 << 20;
    /** Files at least this large are mapped rather than read into a buffer: one copy of their bytes fewer. */
    private static final long MAP_AT_LEAST = BUFFER;
    /** Large files are mapped this much at a time and handed over a MiB at a time. */
    private static final long REGION = 16L << 20;

    /**
     * A piece of the stream ready for the sink: a buffer of the reader's pool (back to the pool after the
     * sink), or a MiB of a file mapped in an arena of its own, closed after the sink.
     */
    private record Piece(ByteBuffer bytes, boolean pooled, Arena unmapAfter) {
    }

    private record Failure(Throwable cause) {
    }

    /**
     * Writes the tar-like stream of {@code root} to {@code out}; returns bytes written. A reader thread
     * gets the stream ready a few pieces ahead, the way a client's reader and sender overlap (tar piped
     * into a backup client, or restic's file readers): the sink never waits for the page cache. Small
     * files and the headers are read into direct buffers; large files are mapped and handed over a MiB
     * at a time, their pages faulted in by the reader, so the only copy of their bytes is the sink's own
     * (as with data a network client sends, which arrives once in the server's buffers).
     */
    static long write(Path root, Sink out) throws IOException {
        List<Path> files = files(root);
        BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(READ_AHEAD);
        for (int i = 0; i < READ_AHEAD; i++) free.add(ByteBuffer.allocateDirect(BUFFER));
        BlockingQueue<Object> filled = new ArrayBlockingQueue<>(READ_AHEAD);
        Object end = new Object();
        Thread reader = Thread.ofPlatform().daemon().name("tree-reader").start(() -> {
            try {
                try {
                    readAll(root, files, free, filled);
                    filled.put(end);
                } catch (InterruptedException e) {
                    // the sink failed and stopped taking pieces
                } catch (Throwable t) {
                    filled.put(new Failure(t));
                }
            } catch (InterruptedException e) {
                // as above, while reporting a failure nobody waits for any more
            }
        });
        long n = 0;
        try {
            while (true) {
                Object item = filled.take();
                if (item == end) return n;
                if (item instanceof Failure(IOException e)) throw new IOException("reading " + root + " failed: " + e.getMessage(), e);
                if (item instanceof Failure(Throwable t)) throw new IllegalStateException("reading " + root + " failed", t);
                Piece piece = (Piece) item;
                n += piece.bytes().remaining();
                try {
                    out.write(piece.bytes());
                } finally {
                    release(piece, free);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + root, e);
        } finally {
            reader.interrupt();
            joinQuietly(reader);
            // pieces the sink never took: back to the pool, or unmapped
            for (Object item = filled.poll(); item != null; item = filled.poll()) {
                if (item instanceof Piece piece) release(piece, free);
            }
        }
    }

    private static void release(Piece piece, BlockingQueue<ByteBuffer> free) {
        if (piece.pooled()) free.add(piece.bytes().clear());
        if (piece.unmapAfter() != null) piece.unmapAfter().close();
    }

    private static void readAll(Path root, List<Path> files, BlockingQueue<ByteBuffer> free, BlockingQueue<Object> filled)
            throws IOException, InterruptedException {
        ByteBuffer buf = free.take();
        for (Path p : files) {
            try (FileChannel in = FileChannel.open(p, StandardOpenOption.READ)) {
                long size = in.size();
                byte[] header = (root.relativize(p) + "\n" + size + "\n").getBytes(StandardCharsets.UTF_8);
                for (int h = 0; h < header.length; ) {
                    int k = Math.min(buf.remaining(), header.length - h);
                    buf.put(header, h, k);
                    h += k;
                    if (!buf.hasRemaining()) {
                        filled.put(new Piece(buf.flip(), true, null));
                        buf = free.take();
                    }
                }
                if (size < MAP_AT_LEAST) {
                    while (in.read(buf) >= 0) {
                        if (!buf.hasRemaining()) {
                            filled.put(new Piece(buf.flip(), true, null));
                            buf = free.take();
                        }
                    }
                    continue;
                }
                if (buf.position() > 0) {
                    filled.put(new Piece(buf.flip(), true, null));
                    buf = free.take();
                }
                mapped(in, size, filled);
            }
        }
        if (buf.position() > 0) filled.put(new Piece(buf.flip(), true, null));
        else free.add(buf);
    }

    /**
     * Hands file {@code in} over a MiB at a time. It is mapped 16 MiB at a time, each region in an arena of
     * its own that the sink closes (unmaps) when it releases the region's last piece: what stays mapped is
     * bounded by a few regions, not by the file's size. Closing a shared arena is a handshake with every
     * thread of the JVM, so one per 16 MiB rather than one per MiB (the engine's threads stalled on them).
     */
    private static void mapped(FileChannel in, long size, BlockingQueue<Object> filled) throws IOException, InterruptedException {
        for (long region = 0; region < size; region += REGION) {
            long regionSize = Math.min(REGION, size - region);
            Arena arena = Arena.ofShared();
            boolean lastHandedOver = false;
            try {
                MemorySegment mapping = in.map(FileChannel.MapMode.READ_ONLY, region, regionSize, arena);
                for (long at = 0; at < regionSize; at += BUFFER) {
                    MemorySegment piece = mapping.asSlice(at, Math.min(BUFFER, regionSize - at));
                    piece.load(); // page faults on this thread, not the sink's
                    boolean last = at + BUFFER >= regionSize;
                    // the sink releases pieces in order: the last one's release ends the region
                    filled.put(new Piece(piece.asByteBuffer(), false, last ? arena : null));
                    lastHandedOver = last;
                }
            } finally {
                // failed or interrupted part-way (the sink stopped taking pieces): nobody will release the last
                if (!lastHandedOver) arena.close();
            }
        }
    }

    private static void joinQuietly(Thread t) {
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
