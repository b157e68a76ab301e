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
        if (unflushedBytes >= engine.config.autoFlushBytes()) flush();
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
            Fingerprint[] fps = engine.dedup.fingerprint(buf, off, len, n);
            engine.dedup.store(session, buf, off, len, fps, n);
            for (int i = 0; i < n; i++) unflushed.add(new RecipeRecord(bufStart + off[i], fps[i], len[i]));
        }
        System.arraycopy(buf, pos, buf, 0, fill - pos);
        bufStart += pos;
        fill -= pos;
    }

    @Override
    public void flush() {
        checkOpen();
        chunkSegment(true);
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
