package dev.cistern.vtl.media;

import dev.cistern.engine.FileEntry;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Reads the blocks after the one a drive just read while the host is busy with it, as a real drive
 * streams ahead into its buffer: up to {@value #MAX_BYTES} bytes in flight on one background thread,
 * through a file view of its own. Anything that changes the tape (a write, a truncation) discards
 * it. Used by one drive at a time, under its monitor; only the fetching runs elsewhere.
 */
final class ReadAhead implements AutoCloseable {
    private static final long MAX_BYTES = 8L * 1024 * 1024;
    private static final int MAX_BLOCKS = 64;

    private final FileEntry file;
    private final ExecutorService fetcher = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("tape-read-ahead").factory());
    /** Fetches by data offset of the block. */
    private final Map<Long, CompletableFuture<byte[]>> pending = new HashMap<>();
    private long pendingBytes;
    /** The next object to schedule; -1 when nothing is scheduled. */
    private long next = -1;

    ReadAhead(FileEntry file) {
        this.file = file;
    }

    /** The block's bytes if they were fetched ahead (waiting for them if still on the way), else null. */
    byte[] take(ObjectRecord r) {
        CompletableFuture<byte[]> f = pending.remove(r.offset());
        if (f == null) return null;
        pendingBytes -= r.length();
        try {
            return f.join();
        } catch (CompletionException e) {
            return null; // read it again in the foreground, which reports the error properly
        }
    }

    /** After object {@code n} was read: schedule the blocks that follow it. */
    void after(long n, TapeMedium m) {
        if (next != n + 1 && !(next > n + 1 && next - (n + 1) <= MAX_BLOCKS)) discard();
        if (next < 0) next = n + 1;
        long eod = m.endOfData();
        while (next < eod && pendingBytes < MAX_BYTES && pending.size() < MAX_BLOCKS) {
            ObjectRecord r = m.object(next);
            next++;
            if (r.filemark()) break; // a file's end: the host usually stops here
            if (pending.containsKey(r.offset())) continue;
            pending.put(r.offset(), CompletableFuture.supplyAsync(() -> fetch(r), fetcher));
            pendingBytes += r.length();
        }
    }

    private byte[] fetch(ObjectRecord r) {
        byte[] b = new byte[r.length()];
        ByteBuffer bb = ByteBuffer.wrap(b);
        long at = r.offset();
        while (bb.hasRemaining()) {
            int k = file.read(at, bb);
            if (k <= 0) throw new IllegalStateException("short read of block at " + r.offset());
            at += k;
        }
        return b;
    }

    /** Forgets everything fetched ahead (the tape changed or the host jumped elsewhere). */
    void discard() {
        for (CompletableFuture<byte[]> f : pending.values()) f.cancel(false);
        pending.clear();
        pendingBytes = 0;
        next = -1;
    }

    @Override
    public void close() {
        discard();
        fetcher.shutdownNow();
        file.close();
    }
}
