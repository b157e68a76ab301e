package dev.cistern.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends chunk records to one open container file. One writer appends at a time (the engine hands an
 * open container to a single stream or volume); {@link #ensureDurable} may be called from any thread,
 * e.g. by a writer committing a recipe that dedups against a chunk still in this open container.
 */
public final class ChunkContainerWriter {
    private final long id;
    private final Path file;
    private final FileChannel channel;
    private final List<TrailerEntry> entries = new ArrayList<>();
    private long position;
    private volatile long durable;
    /** Whether the file's directory entry is durable: a new file's name is lost on power failure until then. */
    private volatile boolean named;
    private boolean sealed;

    private ChunkContainerWriter(long id, Path file, FileChannel channel, long position) {
        this.id = id;
        this.file = file;
        this.channel = channel;
        this.position = position;
        this.durable = 0;
    }

    public static ChunkContainerWriter create(Path file, long groupId, long id) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        ByteBuffer h = ChunkContainerFormat.header(groupId, id);
        while (h.hasRemaining()) ch.write(h);
        return new ChunkContainerWriter(id, file, ch, ChunkContainerFormat.HEADER);
    }

    /**
     * Recovery: cuts an unsealed container at the end of its last intact record and seals it with a
     * trailer listing the records found.
     */
    public static void sealRecovered(Path file, long id, List<TrailerEntry> records, long validEnd) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
        ch.truncate(validEnd);
        ChunkContainerWriter w = new ChunkContainerWriter(id, file, ch, validEnd);
        w.entries.addAll(records);
        w.seal();
    }

    public long id() {
        return id;
    }

    public Path file() {
        return file;
    }

    public synchronized long size() {
        return position;
    }

    /** Appends a whole record; returns its offset. */
    public synchronized int append(byte[] record) throws IOException {
        return appendAll(new byte[][] {record}, 0, 1);
    }

    /**
     * Appends records {@code records[from..to)} with one gathering write; returns the offset of the
     * first (the others follow it back to back). A failed write is cut off, so the next append (or the
     * seal) does not follow garbage.
     */
    public synchronized int appendAll(byte[][] records, int from, int to) throws IOException {
        // reached when the store closes under a writer (shutdown): an I/O failure for that writer
        if (sealed) throw new IOException("chunk container " + id + " is sealed: the store is closing");
        long start = position;
        ByteBuffer[] bufs = new ByteBuffer[to - from];
        long total = 0;
        for (int i = from; i < to; i++) {
            bufs[i - from] = ByteBuffer.wrap(records[i]);
            total += records[i].length;
        }
        try {
            channel.position(start);
            long written = 0;
            while (written < total) written += channel.write(bufs);
        } catch (IOException e) {
            channel.truncate(start);
            throw e;
        }
        long off = start;
        for (int i = from; i < to; i++) {
            entries.addAll(ChunkContainerFormat.entries(records[i], (int) off));
            off += records[i].length;
        }
        position = off;
        return (int) start;
    }

    /** Makes everything appended so far durable. */
    public void force() throws IOException {
        long upTo;
        synchronized (this) {
            upTo = position;
            if (sealed) return;
        }
        try {
            channel.force(false);
            nameDurably();
        } catch (java.nio.channels.ClosedChannelException e) {
            synchronized (this) {
                if (sealed) return; // sealed meanwhile: sealing forced everything
            }
            throw e;
        }
        synchronized (this) {
            if (upTo > durable) durable = upTo;
        }
    }

    /**
     * Forces the directory once, the first time the file's data is forced: a recipe or index entry made
     * durable after that never names a container file a power failure could take away.
     */
    private void nameDurably() throws IOException {
        if (named) return;
        ChunkStore.forceDirectory(file.getParent());
        named = true;
    }

    /** Makes bytes up to {@code end} durable, forcing only if they are not yet. */
    public void ensureDurable(long end) throws IOException {
        if (durable < end) force();
    }

    /**
     * Forces the records, then writes the trailer, forces and closes. The container is immutable from
     * now on. The records go first so that a trailer on disk always stands behind records on disk: one
     * fsync for both could leave the trailer and lose records before it in a power failure.
     */
    public synchronized void seal() throws IOException {
        if (sealed) return;
        if (durable < position) channel.force(false);
        ByteBuffer t = ChunkContainerFormat.trailer(entries, position);
        try {
            while (t.hasRemaining()) channel.write(t, position + t.position());
            channel.force(true);
            nameDurably();
        } catch (IOException e) {
            // a full disk: cut off the trailer, so a later seal (or recovery) finds the records last; position
            // is still where the records end, so sealing again writes the trailer there
            try {
                channel.truncate(position);
            } catch (IOException ignored) {
                // recovery cuts it at the end of the last intact record
            }
            throw e;
        }
        position += t.capacity();
        durable = position;
        sealed = true;
        channel.close();
    }

    /** Closes without sealing (shutdown: recovery seals it at next start). */
    public synchronized void closeUnsealed() throws IOException {
        if (!sealed && channel.isOpen()) {
            try {
                channel.force(false);
            } finally {
                channel.close(); // even when the force failed: an open file would keep its file system busy
            }
        }
    }

    public synchronized int chunkCount() {
        return entries.size();
    }
}
