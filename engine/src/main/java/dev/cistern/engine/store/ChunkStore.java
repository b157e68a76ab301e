package dev.cistern.engine.store;

import dev.cistern.engine.EngineException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The chunk container files of one storage group in one directory: hands out open containers to
 * writers (one writer each, so a stream's new chunks stay together), reads records, deletes files.
 * Read channels are cached, bounded, and counted: one evicted or deleted while a reader uses it is
 * closed when that reader is done. A reader whose file the cleaner deleted before it opened it gets
 * NOT_FOUND and re-resolves the chunk through the index.
 */
public final class ChunkStore implements AutoCloseable {
    private static final int MAX_READ_CHANNELS = 256;
    /** Set by {@link #close}, under {@code idle}'s lock: no container is created after it. */
    private boolean closed;

    private final long groupId;
    private final Path dir;
    private final int targetSize;
    private final LongSupplier idAllocator;
    private final Deque<ChunkContainerWriter> idle = new ArrayDeque<>();
    /** Writers whose seal failed (a full disk), for the next {@link #sealIdle}; guarded by {@code idle}. */
    private final List<ChunkContainerWriter> sealFailed = new ArrayList<>();
    private final Map<Long, ChunkContainerWriter> open = new ConcurrentHashMap<>();
    private final Map<Long, ReadChannel> readers = new LinkedHashMap<>(16, 0.75f, true);
    private final SealListener sealListener;
    private final List<java.util.concurrent.Future<Void>> sealing = new ArrayList<>();
    private static final java.util.concurrent.ExecutorService SEALER =
            java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("cistern-sealer").factory());

    /** Told when a container is created and sealed, to record its state in the metadata. */
    public interface SealListener {
        void created(long groupId, long containerId);

        void sealed(long groupId, long containerId, long size);
    }

    public ChunkStore(long groupId, Path dir, int targetSize, LongSupplier idAllocator, SealListener sealListener) {
        this.groupId = groupId;
        this.dir = dir;
        this.targetSize = targetSize;
        this.idAllocator = idAllocator;
        this.sealListener = sealListener;
        try {
            createDirectoriesDurably(dir);
        } catch (IOException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "cannot create chunk directory " + dir, e);
        }
    }

    /**
     * Creates {@code dir} and any missing parents, forcing the parent of each one created: a directory
     * whose name a power failure could take away would take its containers with it, while the metadata
     * still names them.
     */
    public static void createDirectoriesDurably(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        if (Files.isDirectory(abs)) return;
        Path parent = abs.getParent();
        if (parent != null) createDirectoriesDurably(parent);
        try {
            Files.createDirectory(abs);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            if (!Files.isDirectory(abs)) throw e;
            return; // made meanwhile by another thread, which forces its parent
        }
        if (parent != null) forceDirectory(parent);
    }

    /** Makes the names in {@code dir} durable (a new file's or directory's entry is lost on power failure until then). */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path file(long containerId) {
        return dir.resolve(String.format("%016x.ccf", containerId));
    }

    public int targetSize() {
        return targetSize;
    }

    /** An open container for one writer's exclusive use; give it back with {@link #release}. */
    public ChunkContainerWriter acquire() throws IOException {
        synchronized (idle) {
            if (closed) throw new IOException("the chunk store of group " + groupId + " is closed");
            ChunkContainerWriter w = idle.pollFirst();
            if (w != null) return w;
        }
        long id = idAllocator.getAsLong();
        sealListener.created(groupId, id);
        ChunkContainerWriter w = ChunkContainerWriter.create(file(id), groupId, id);
        synchronized (idle) {
            // a close that ran meanwhile did not see it: close it here (recovery seals it at the next start)
            if (closed) {
                w.closeUnsealed();
                throw new IOException("the chunk store of group " + groupId + " is closed");
            }
            open.put(id, w);
        }
        return w;
    }

    /** Returns a writer's container: sealed if full, else kept open for the next writer. */
    public void release(ChunkContainerWriter w) throws IOException {
        if (w.size() >= targetSize) {
            seal(w);
        } else {
            synchronized (idle) {
                idle.addFirst(w);
            }
        }
    }

    /**
     * Seals {@code w} and records it sealed. It stays open (for {@link #openWriter}, and for a close to try
     * again) until the listener took it: a seal whose recording failed (the metadata store refusing writes
     * on a full disk) is not done, and sealing it again only records it. Whoever asked (a full writer, the
     * cleaner's output), a writer whose seal failed is kept for the next {@link #sealIdle}.
     */
    public void seal(ChunkContainerWriter w) throws IOException {
        try {
            w.seal();
            sealListener.sealed(groupId, w.id(), Files.size(w.file()));
        } catch (IOException | RuntimeException e) { // the file's seal or its recording
            unsealedAfterFailure(List.of(w));
            throw e;
        }
        open.remove(w.id());
    }

    /**
     * Seals a full container in the background, so the writer goes on with a new one instead of waiting
     * for the fsync. Until sealed it stays in {@link #openWriter}, and forcing it waits for the seal.
     */
    public void sealLater(ChunkContainerWriter w) {
        synchronized (sealing) {
            sealing.add(SEALER.submit(() -> {
                seal(w); // kept for the next sealIdle if it fails
                return null;
            }));
            sealing.removeIf(java.util.concurrent.Future::isDone);
        }
    }

    /** Waits for background seals (clean shutdown, cleaner). */
    public void awaitSeals() {
        List<java.util.concurrent.Future<Void>> pending;
        synchronized (sealing) {
            pending = new ArrayList<>(sealing);
            sealing.clear();
        }
        for (var f : pending) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException e) {
                // kept for the next sealIdle (seal did), or for recovery at the next start
            }
        }
    }

    /**
     * Seals the open containers no writer holds right now, and those whose seal failed before (a full disk),
     * so the cleaner can sweep them too. A seal that fails again leaves it and the rest for the next call.
     */
    public void sealIdle() throws IOException {
        awaitSeals();
        List<ChunkContainerWriter> ws;
        synchronized (idle) {
            ws = new ArrayList<>(idle);
            ws.addAll(sealFailed);
            idle.clear();
            sealFailed.clear();
        }
        for (int i = 0; i < ws.size(); i++) {
            try {
                seal(ws.get(i)); // kept for the next call if it fails
            } catch (IOException | RuntimeException e) { // and so are the rest
                unsealedAfterFailure(ws.subList(i + 1, ws.size()));
                throw e;
            }
        }
    }

    /**
     * Keeps writers whose seal failed for the next {@link #sealIdle}: no writer gets them again (they are full,
     * or the cleaner wants them sealed), and left alone they would stay unsealed, never swept, until a restart.
     */
    private void unsealedAfterFailure(List<ChunkContainerWriter> ws) {
        synchronized (idle) {
            if (!closed) sealFailed.addAll(ws);
        }
    }

    /** The open writer of a container, or null once it is sealed. */
    public ChunkContainerWriter openWriter(long containerId) {
        return open.get(containerId);
    }

    public List<Long> openContainerIds() {
        return new ArrayList<>(open.keySet());
    }

    /** Reads the whole record at {@code loc}; NOT_FOUND if the container is gone. */
    public byte[] readRecord(ChunkLocation loc) {
        byte[] rec = new byte[loc.recordLength()];
        readInto(loc, rec);
        return rec;
    }

    /**
     * Reads the whole record at {@code loc} into the start of {@code rec} (at least its length), so a
     * reader can reuse one buffer; NOT_FOUND if the container is gone.
     */
    public void readInto(ChunkLocation loc, byte[] rec) {
        try {
            for (int attempt = 0; ; attempt++) {
                ReadChannel rc = acquire(loc.containerId());
                ByteBuffer b = ByteBuffer.wrap(rec, 0, loc.recordLength());
                try {
                    while (b.hasRemaining()) {
                        int n = rc.channel.read(b, loc.offset() + (long) b.position());
                        if (n < 0) {
                            throw new EngineException(EngineException.Reason.DAMAGED,
                                    "chunk container " + Long.toHexString(loc.containerId()) + " is truncated");
                        }
                    }
                    return;
                } catch (java.nio.channels.ClosedChannelException e) {
                    // a reader interrupted while using this channel closed it for everyone (FileChannel is
                    // interruptible): drop it and open the file again, unless this thread is the one
                    retire(rc);
                    if (Thread.currentThread().isInterrupted() || attempt >= 3) throw e;
                } finally {
                    release(rc);
                }
            }
        } catch (NoSuchFileException | java.nio.channels.ClosedChannelException e) {
            throw new EngineException(EngineException.Reason.NOT_FOUND,
                    "chunk container " + Long.toHexString(loc.containerId()) + " is gone");
        } catch (IOException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "reading chunk container "
                    + Long.toHexString(loc.containerId()) + ": " + e.getMessage(), e);
        }
    }

    /** A cached read channel and how many reads use it; closed once retired and unused. */
    private static final class ReadChannel {
        final long id;
        final FileChannel channel;
        int users;
        boolean retired;

        ReadChannel(long id, FileChannel channel) {
            this.id = id;
            this.channel = channel;
        }
    }

    private ReadChannel acquire(long id) throws IOException {
        synchronized (readers) {
            ReadChannel rc = readers.get(id);
            if (rc != null && rc.channel.isOpen()) {
                rc.users++;
                return rc;
            }
        }
        ReadChannel opened = new ReadChannel(id, FileChannel.open(file(id), StandardOpenOption.READ));
        synchronized (readers) {
            ReadChannel rc = readers.get(id);
            if (rc != null && rc.channel.isOpen()) {
                opened.channel.close(); // another reader opened it meanwhile
            } else {
                if (rc != null) retireLocked(rc);
                rc = opened;
                readers.put(id, rc);
                if (readers.size() > MAX_READ_CHANNELS) retireLocked(readers.values().iterator().next());
            }
            rc.users++;
            return rc;
        }
    }

    private void release(ReadChannel rc) {
        synchronized (readers) {
            rc.users--;
            if (rc.retired && rc.users == 0) closeQuietly(rc.channel);
        }
    }

    private void retire(ReadChannel rc) {
        synchronized (readers) {
            retireLocked(rc);
        }
    }

    /** Takes a channel out of the cache; closes it now if no read uses it, else when the last one is done. */
    private void retireLocked(ReadChannel rc) {
        if (readers.get(rc.id) == rc) readers.remove(rc.id);
        rc.retired = true;
        if (rc.users == 0) closeQuietly(rc.channel);
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // a read-only channel: nothing was lost
        }
    }

    /** Deletes a sealed container's file (cleaner); reads still using it finish first (the file lives while open). */
    public void delete(long containerId) throws IOException {
        synchronized (readers) {
            ReadChannel rc = readers.get(containerId);
            if (rc != null) retireLocked(rc);
        }
        Files.deleteIfExists(file(containerId));
    }

    /** Seals every open container (clean shutdown). */
    @Override
    public void close() {
        awaitSeals();
        List<ChunkContainerWriter> all;
        synchronized (idle) {
            closed = true;
            idle.clear();
            sealFailed.clear(); // still in open: sealed (or closed unsealed) below
            all = new ArrayList<>(open.values());
        }
        for (ChunkContainerWriter w : all) {
            try {
                seal(w);
            } catch (IOException | RuntimeException e) {
                // left unsealed or unrecorded (a full disk): recovery seals it at the next start; its file is closed
                // all the same, and so are the others'
                try {
                    w.closeUnsealed();
                } catch (IOException ignored) {
                    // closed anyway; recovery checks what reached the disk
                }
            }
        }
        synchronized (readers) {
            for (ReadChannel rc : new ArrayList<>(readers.values())) retireLocked(rc);
        }
    }
}
