package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.chunking.FastCdc;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.EntryRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Random access to a stream. A write re-chunks only the region from the start of the first recipe
 * step it touches to the end of the last one, so the rest of the recipe and the chunk boundaries
 * around it stay as they were. The new chunks are forced to disk before the recipe refers to them,
 * so the metadata never points at lost data; the recipe itself becomes durable at {@link #flush}.
 */
final class FileEntryImpl implements FileEntry {
    /** Large writes are applied in pieces of at most this, to bound the re-chunked region. */
    private static final int MAX_PIECE = 4 * 1024 * 1024;

    private final LocalEngine engine;
    private final LocalContainerHandle container;
    private final String name;
    private final StreamReads reads;
    private volatile boolean closed;

    FileEntryImpl(LocalEngine engine, LocalContainerHandle container, String name) {
        this.engine = engine;
        this.container = container;
        this.name = name;
        this.reads = new StreamReads(engine.meta, engine.chunkReader, engine.dedup);
    }

    @Override
    public long size() {
        return entry().size();
    }

    @Override
    public EntryInfo info() {
        return entry().info(name);
    }

    private EntryRecord entry() {
        if (closed) throw new EngineException(EngineException.Reason.CLOSED, "file '" + name + "' is closed");
        return container.requireEntry(name);
    }

    @Override
    public int read(long offset, ByteBuffer dst) {
        if (offset < 0) throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "negative offset");
        EntryRecord e = entry();
        int n = reads.read(container.group(), e.entryId(), e.size(), offset, dst);
        if (n > 0) engine.traffic(container.id()).read(n);
        return n;
    }

    @Override
    public void write(long offset, ByteBuffer src) {
        if (offset < 0) throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "negative offset");
        if (offset > Long.MAX_VALUE - src.remaining()) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "a write of " + src.remaining()
                    + " bytes at offset " + offset + " would end past the largest file size");
        }
        container.group().writeKey();
        int total = src.remaining();
        synchronized (engine.entryLock(container.id(), name)) {
            long pos = offset;
            while (src.hasRemaining()) {
                int n = Math.min(src.remaining(), MAX_PIECE);
                byte[] data = new byte[n];
                src.get(data);
                EntryRecord e = entry();
                // far past the end, the gap becomes a hole (read as zeros), not bytes to re-chunk: the piece
                // is written as if the entry ended at pos, and its new size goes into the same batch as
                // its steps, so a write that fails (quota, full disk) leaves the size as it was
                rewrite(e, Math.max(e.size(), pos), pos, data);
                pos += n;
            }
        }
        engine.traffic(container.id()).written(total);
    }

    /** Writes {@code data} at {@code x} of the entry, taken to be {@code size} bytes long (holes past its end). */
    private void rewrite(EntryRecord e, long size, long x, byte[] data) {
        long end = x + data.length;
        long start = Math.min(x, size);
        long regionEnd = end;
        try (Recipe.Steps steps = new Recipe.Steps(engine.meta, e.entryId())) {
            RecipeRecord r = stepHolding(steps, x);
            if (r != null) start = r.offset();
            if (end < size) {
                r = stepHolding(steps, end - 1);
                if (r != null && r.end() > end) regionEnd = r.end();
            }
        }
        byte[] region = new byte[(int) (regionEnd - start)];
        long oldPart = Math.min(regionEnd, size) - start;
        if (oldPart > 0) reads.read(container.group(), e.entryId(), size, start, ByteBuffer.wrap(region, 0, (int) oldPart));
        System.arraycopy(data, 0, region, (int) (x - start), data.length);
        replaceRegion(e, start, regionEnd, region, Math.max(size, end));
    }

    /**
     * Re-chunks {@code region} (entry bytes [start, start + region.length)) and swaps it into the recipe in
     * one batch, dropping the old steps in [start, dropEnd).
     */
    private void replaceRegion(EntryRecord e, long start, long dropEnd, byte[] region, long newSize) {
        FastCdc chunker = container.group().chunker();
        int cap = region.length / 1024 + 2;
        int[] off = new int[cap];
        int[] len = new int[cap];
        int n = 0;
        for (int pos = 0; pos < region.length; ) {
            int cut = chunker.next(region, pos, region.length - pos, true);
            off[n] = pos;
            len[n] = cut;
            n++;
            pos += cut;
        }
        try (WriteSession session = new WriteSession(container.group(), container.id())) {
            Fingerprint[] fps = engine.dedup.fingerprint(container.group(), region, off, len, n);
            engine.dedup.store(session, region, off, len, fps, n);
            session.makeChunksDurable();
            try (WriteBatch b = engine.meta.batch()) {
                List<RecipeRecord> steps = new ArrayList<>(n);
                for (int i = 0; i < n; i++) steps.add(new RecipeRecord(start + off[i], fps[i], len[i]));
                Recipe.replace(b, engine.meta, e.entryId(), start, dropEnd, steps);
                container.putEntrySize(b, name, e.entryId(), newSize);
                engine.meta.write(b, false);
            } catch (RocksDBException ex) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "write to '" + name + "' failed", ex);
            }
            session.committed();
        }
    }

    @Override
    public void truncate(long newSize) {
        if (newSize < 0) throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "negative size");
        synchronized (engine.entryLock(container.id(), name)) {
            EntryRecord e = entry();
            if (newSize >= e.size()) {
                grow(e, newSize);
                return;
            }
            long start = newSize;
            try (Recipe.Steps steps = new Recipe.Steps(engine.meta, e.entryId())) {
                RecipeRecord r = stepHolding(steps, newSize);
                if (r != null) start = r.offset();
            }
            byte[] keep = new byte[(int) (newSize - start)];
            reads.read(container.group(), e.entryId(), e.size(), start, ByteBuffer.wrap(keep));
            // everything from the cut chunk to the end goes, in the same batch as the re-chunked head
            replaceRegion(e, start, Long.MAX_VALUE, keep, newSize);
        }
    }

    /** Sets a larger size: the bytes past the last recipe step read as zeros. Under the entry's lock. */
    private void grow(EntryRecord e, long newSize) {
        try (WriteBatch b = engine.meta.batch()) {
            container.putEntrySize(b, name, e.entryId(), newSize);
            engine.meta.write(b, false);
        }
    }

    /** The recipe step holding byte {@code offset} of the entry, or null in a hole or past the end. */
    private static RecipeRecord stepHolding(Recipe.Steps steps, long offset) {
        steps.seek(offset);
        RecipeRecord r = steps.next();
        return r != null && r.offset() <= offset ? r : null;
    }

    @Override
    public void flush() {
        engine.meta.sync();
    }

    @Override
    public void close() {
        closed = true;
    }
}
