package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.StreamWriter;
import dev.cistern.engine.chunking.FastCdc;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.EntryRecord;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.List;
import java.util.Map;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Chunks a stream by content as it arrives, in segments: find cut points, fingerprint the chunks in
 * parallel, store the new ones, and keep the recipe steps until the next flush. A creating writer
 * writes its recipe under a staging entry id and binds it to the name at commit, in one batch.
 */
final class StreamWriterImpl implements StreamWriter {
    private static final int SEGMENT = 4 * 1024 * 1024;

    private final LocalEngine engine;
    private final LocalContainerHandle container;
    private final String name;
    private final boolean creating;
    private final long entryId;
    private final WriteSession session;
    private final FastCdc chunker;
    private final byte[] buf;
    private final List<RecipeRecord> unflushed = new ArrayList<>();
    /** The previous segment being fingerprinted and stored while this thread cuts the next one. */
    private CompletableFuture<Void> inFlight = CompletableFuture.completedFuture(null);
    /** The segment buffer the store stage last used, handed back for reuse (written before its future completes). */
    private volatile byte[] spare;
    private int fill;
    /** Entry offset of buf[0]. */
    private long bufStart;
    private long unflushedBytes;
    private boolean done;

    StreamWriterImpl(LocalEngine engine, LocalContainerHandle container, String name, boolean creating, long entryId,
                     long startOffset) {
        this.engine = engine;
        this.container = container;
        this.name = name;
        this.creating = creating;
        this.entryId = entryId;
        this.session = new WriteSession(container.group(), container.id());
        this.chunker = container.group().chunker;
        this.buf = new byte[Math.max(SEGMENT, chunker.maxSize() * 2)];
        this.bufStart = startOffset;
    }

    @Override
    public void write(ByteBuffer src) {
        checkOpen();
        int n = src.remaining();
        while (src.hasRemaining()) {
            int k = Math.min(src.remaining(), buf.length - fill);
            src.get(buf, fill, k);
            fill += k;
            if (fill == buf.length) chunkSegment(false);
        }
        engine.traffic(container.id()).written(n);
        unflushedBytes += n;
        if (unflushedBytes >= engine.config.autoFlushBytes()) persistStored();
    }

    @Override
    public long position() {
        return bufStart + fill;
    }

    /** Cuts the buffered bytes into chunks and stores them; keeps a tail shorter than a chunk unless {@code last}. */
    private void chunkSegment(boolean last) {
        int max = fill / 2048 + 2;
        int[] off = new int[max];
        int[] len = new int[max];
        int n = 0;
        int pos = 0;
        while (pos < fill) {
            int cut = chunker.next(buf, pos, fill - pos, last);
            if (cut < 0) break;
            if (n == off.length) {
                off = java.util.Arrays.copyOf(off, n * 2);
                len = java.util.Arrays.copyOf(len, n * 2);
            }
            off[n] = pos;
            len[n] = cut;
            n++;
            pos += cut;
        }
        if (n > 0) {
            // Hand the cut segment to the store stage and go on cutting the next one meanwhile.
            // One segment in flight at most: bounded memory, and recipe steps stay in order.
            awaitStored();
            byte[] seg = spare; // the stage finished with it: reuse instead of allocating 4 MiB each time
            if (seg == null || seg.length < pos) seg = new byte[buf.length];
            System.arraycopy(buf, 0, seg, 0, pos);
            spare = null;
            byte[] segment = seg;
            int[] o = off;
            int[] l = len;
            int count = n;
            long segStart = bufStart;
            inFlight = CompletableFuture.runAsync(() -> {
                Fingerprint[] fps = engine.dedup.fingerprint(segment, o, l, count);
                engine.dedup.store(session, segment, o, l, fps, count);
                for (int i = 0; i < count; i++) unflushed.add(new RecipeRecord(segStart + o[i], fps[i], l[i]));
                spare = segment;
            }, engine.stageExecutor);
        }
        System.arraycopy(buf, pos, buf, 0, fill - pos);
        bufStart += pos;
        fill -= pos;
    }

    /** Waits for the segment in flight; rethrows its failure. */
    private void awaitStored() {
        try {
            inFlight.join();
        } catch (CompletionException e) {
            inFlight = CompletableFuture.completedFuture(null);
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new EngineException(EngineException.Reason.IO_ERROR, "storing '" + name + "' failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Bounds what a long write holds in memory: makes the recipe steps of the segments stored so far
     * durable without cutting a chunk at this arbitrary point (that would cost dedup). Not visible for a
     * creating writer; an appending writer's entry grows to the end of those steps.
     */
    private void persistStored() {
        awaitStored();
        session.makeChunksDurable();
        try (WriteBatch b = new WriteBatch()) {
            putRecipe(b);
            if (!creating) container.putEntrySize(b, name, entryId, bufStart);
            engine.meta.write(b, false);
        } catch (RocksDBException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "writing '" + name + "' failed", e);
        }
        unflushed.clear();
        unflushedBytes = 0;
    }

    @Override
    public void flush() {
        checkOpen();
        chunkSegment(true);
        awaitStored();
        session.makeChunksDurable();
        try (WriteBatch b = new WriteBatch()) {
            putRecipe(b);
            if (!creating) {
                container.putEntrySize(b, name, entryId, position());
            }
            engine.meta.write(b, true);
        } catch (RocksDBException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "flush of '" + name + "' failed", e);
        }
        session.committed();
        unflushed.clear();
        unflushedBytes = 0;
    }

    private void putRecipe(WriteBatch b) throws RocksDBException {
        for (RecipeRecord r : unflushed) {
            b.put(engine.meta.cf(Family.RECIPES), RecipeRecord.key(entryId, r.offset()), r.value());
        }
    }

    @Override
    public EntryInfo commit(Map<String, String> attributes) {
        checkOpen();
        chunkSegment(true);
        awaitStored();
        session.makeChunksDurable();
        EntryInfo info;
        try (WriteBatch b = new WriteBatch()) {
            putRecipe(b);
            long now = engine.clock.millis();
            if (creating) {
                EntryRecord rec = new EntryRecord(entryId, EntryInfo.Kind.STREAM, position(), 0, false, now,
                        attributes == null ? Map.of() : Map.copyOf(attributes));
                container.replaceEntry(b, name, rec, rec.size());
                b.delete(engine.meta.cf(Family.STAGING), Keys.id(entryId));
                info = rec.info(name);
            } else {
                EntryRecord rec = container.putEntrySize(b, name, entryId, position());
                if (attributes != null) {
                    rec = rec.withAttributes(attributes, now);
                    b.put(engine.meta.cf(Family.ENTRIES), container.entryKey(name), rec.encode());
                }
                info = rec.info(name);
            }
            engine.meta.write(b, true);
        } catch (RocksDBException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "commit of '" + name + "' failed", e);
        }
        session.committed();
        unflushed.clear();
        finish();
        return info;
    }

    @Override
    public void abort() {
        if (done) return;
        try {
            awaitStored();
        } catch (EngineException ignored) {
            // aborting anyway
        }
        if (creating) {
            try (WriteBatch b = new WriteBatch()) {
                LocalContainerHandle.deleteEntryData(engine, b, entryId);
                b.delete(engine.meta.cf(Family.STAGING), Keys.id(entryId));
                engine.meta.write(b, false);
            } catch (RocksDBException e) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "abort of '" + name + "' failed", e);
            }
        }
        unflushed.clear();
        finish();
    }

    @Override
    public void close() {
        if (done) return;
        if (creating) abort();
        else commit(null);
    }

    private void finish() {
        done = true;
        session.committed();
        session.close();
    }

    private void checkOpen() {
        if (done) throw new EngineException(EngineException.Reason.CLOSED, "writer of '" + name + "' is closed");
    }
}
