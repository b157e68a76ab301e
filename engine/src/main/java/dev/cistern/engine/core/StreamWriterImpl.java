package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.StreamWriter;
import dev.cistern.engine.chunking.ChunkIds;
import dev.cistern.engine.chunking.FastCdc;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.store.ChunkLocation;
import dev.cistern.engine.meta.EntryRecord;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Chunks a stream by content as it arrives, in segments: find cut points, fingerprint the chunks in
 * parallel, store the new ones, and keep the recipe steps until the next flush. A creating writer
 * writes its recipe under a staging entry id and binds it to the name at commit, in one batch.
 */
final class StreamWriterImpl implements StreamWriter {
    private static final int SEGMENT = 1024 * 1024;
    /** The buffer a writer starts with (or two chunks of the maximum size, if more). */
    private static final int FIRST_BUFFER = 64 * 1024;
    /**
     * Segments cut but not yet stored. Two are fingerprinted and encoded at once (one per core here) while
     * this thread cuts the next; stores happen one at a time, in order. Bounds memory to a few segments.
     */
    private static final int IN_FLIGHT = 4;
    /** At most this many chunks cut by search between two probes for a chain of stored chunks. */
    private static final int MAX_PROBE_INTERVAL = 64;
    /** Chunks hashed between two checks of predicted boundaries: at most this many hashed in vain. */
    private static final int CHECK_BATCH = 16;
    /** Recipe steps {@link #writeCopyOf} references at a time. */
    private static final int COPY_BATCH = 4096;

    private final LocalEngine engine;
    private final LocalContainerHandle container;
    private final String name;
    private final boolean creating;
    private final long entryId;
    private final WriteSession session;
    private final FastCdc chunker;
    /** The group's chunk ids: taken with the chunker, both fixed for the writer's life. */
    private final ChunkIds ids;
    /** Bytes cut and handed to the store stage at a time, once the stream is that long. */
    private final int segmentSize;
    /** Bytes written and not yet handed to the store stage; swapped for a spare when a segment is handed over. */
    private byte[] buf;
    private final List<RecipeRecord> unflushed = new ArrayList<>();
    /** Segments being fingerprinted, encoded and stored while this thread cuts the next ones, oldest first. */
    private final ArrayDeque<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
    /** The store of the newest segment: each store waits for the one before, so recipe steps stay in order. */
    private CompletableFuture<Void> lastStored = CompletableFuture.completedFuture(null);
    /** Segment buffers the store stage is done with, for reuse instead of allocating 4 MiB each time. */
    private final Queue<byte[]> spares = new ConcurrentLinkedQueue<>();
    /** The cached chunk that ends where the next cut starts, when known: a chain to predict along. */
    private LocalityCache.Node chainEnd;
    /** Set by the store stage when a prediction was wrong: stop following the chain. */
    private volatile boolean mispredicted;
    private final java.security.MessageDigest probeDigest = Fingerprint.digest();
    private int probeInterval = 1;
    private int untilProbe;
    private int fill;
    /** Entry offset of buf[0]. */
    private long bufStart;
    private long unflushedBytes;
    private boolean done;
    /**
     * The failure that cost the stream bytes it had taken: a segment's store, or a copy by reference
     * after it took some steps. The writer takes nothing more: a later flush would publish the stream
     * with a gap where they were, or with bytes at the wrong offsets.
     */
    private EngineException failed;

    StreamWriterImpl(LocalEngine engine, LocalContainerHandle container, String name, boolean creating, long entryId,
                     long startOffset) {
        this.engine = engine;
        this.container = container;
        this.name = name;
        this.creating = creating;
        this.entryId = entryId;
        this.session = new WriteSession(container.group(), container.id());
        this.chunker = container.group().chunker();
        this.ids = container.group().ids();
        this.segmentSize = Math.max(SEGMENT, chunker.maxSize() * 2);
        // small at first: most objects and files are far smaller than a segment, and a segment-sized
        // array for each would be a humongous allocation per write; grows as the stream does
        this.buf = new byte[Math.min(segmentSize, Math.max(FIRST_BUFFER, chunker.maxSize() * 2))];
        this.bufStart = startOffset;
    }

    @Override
    public void write(ByteBuffer src) {
        checkOpen();
        int n = src.remaining();
        while (src.hasRemaining()) {
            if (fill == buf.length) {
                if (buf.length < segmentSize) buf = Arrays.copyOf(buf, Math.min(segmentSize, buf.length * 4));
                else chunkSegment(false);
            }
            int k = Math.min(src.remaining(), buf.length - fill);
            src.get(buf, fill, k);
            fill += k;
        }
        engine.traffic(container.id()).written(n);
        unflushedBytes += n;
        // a creating writer's stages write its recipe as they go; an appending one holds it until here
        if (!creating && unflushedBytes >= engine.config.autoFlushBytes()) {
            try {
                persistStored();
            } catch (EngineException e) {
                // a lost segment fails the writer for good; otherwise the bytes are taken and held: throwing
                // would have the caller write them again, twice in the stream. The next publish tries again,
                // and a flush or commit reports a failure that lasts
                if (failed != null) throw e;
            }
        }
    }

    @Override
    public void writeCopyOf(String source) {
        checkOpen();
        EntryRecord src = container.requireEntry(source);
        if (src.kind() != EntryInfo.Kind.STREAM) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "'" + source + "' is not a stream");
        }
        chunkSegment(true); // the copy starts at a chunk boundary
        awaitStored();
        chainEnd = null;
        GroupState g = container.group();
        List<RecipeRecord> batch = new ArrayList<>(COPY_BATCH);
        long start = bufStart;
        long referenced = src.size(); // where whole chunks end: a chunk the source was cut inside is copied as bytes
        boolean took = false;
        try {
            try (Recipe.Steps sourceSteps = new Recipe.Steps(engine.meta, src.entryId())) {
                while (true) {
                    RecipeRecord r = sourceSteps.next();
                    boolean more = r != null;
                    if (more) {
                        if (r.offset() >= src.size()) continue; // past the end the source was cut to
                        if (r.end() > src.size()) {
                            referenced = r.offset();
                            continue;
                        }
                        batch.add(r);
                    }
                    if (batch.size() == COPY_BATCH || (!more && !batch.isEmpty())) {
                        List<RecipeRecord> steps = engine.dedup.reference(session, g, batch, start);
                        if (creating) writeRecipe(steps, false);
                        else unflushed.addAll(steps);
                        took = true;
                        batch.clear();
                    }
                    if (!more) break;
                }
            }
            bufStart = start + referenced;
            engine.traffic(container.id()).written(referenced);
            if (referenced < src.size()) {
                try (FileEntry tail = container.openFile(source)) {
                    ByteBuffer b = ByteBuffer.allocate((int) (src.size() - referenced));
                    while (b.hasRemaining() && tail.read(referenced + b.position(), b) > 0) {
                        // read on until the cut
                    }
                    write(b.flip());
                }
            }
        } catch (RuntimeException e) {
            // part of the copy is in the stream already (steps written or held past the position, or the
            // position moved past them): what came next would overlap them, or follow a copy cut short
            if (took && failed == null) {
                failed = e instanceof EngineException ee ? ee : new EngineException(EngineException.Reason.IO_ERROR,
                        "copying '" + source + "' into '" + name + "' failed: " + e, e);
            }
            throw e;
        }
    }

    @Override
    public long position() {
        return bufStart + fill;
    }

    /**
     * Cuts the buffered bytes into chunks and stores them; keeps a tail shorter than a chunk unless {@code last}.
     *
     * <p>Boundaries of data stored before are predicted rather than searched for (RapidCDC, Ni et al.,
     * SoCC '19): after a chunk known to be stored, the next one is most likely its successor in its
     * container (see {@link LocalityCache.Node#next}). If the buffered bytes could end there (the
     * chunker's cut test on the last 64 bytes), the chunk is taken as predicted without scanning it, and
     * the store stage checks the prediction against the chunk's id, which it computes anyway. A
     * wrong prediction costs nothing in correctness: that stage cuts the rest of the segment by content
     * again, and this thread goes back to searching. So a stream that is mostly stored already costs
     * little more than its hashing. To find a chain to follow, this thread hashes an occasional chunk it
     * cut itself, less often while none is found.
     */
    private void chunkSegment(boolean last) {
        if (mispredicted) {
            mispredicted = false;
            chainEnd = null;
        }
        GroupState g = container.group();
        Cuts cuts = new Cuts(fill / 2048 + 2);
        int pos = 0;
        while (pos < fill) {
            int cut = -1;
            Fingerprint predicted = null;
            LocalityCache.Node next = chainEnd == null ? null : chainEnd.next;
            if (next != null) {
                int length = next.location.rawLength();
                if (length <= fill - pos && chunker.cutsAt(buf, pos, length)) {
                    cut = length;
                    predicted = next.fingerprint;
                }
            }
            if (predicted == null) {
                cut = chunker.next(buf, pos, fill - pos, last);
                if (cut < 0) break;
                chainEnd = null;
                if (--untilProbe <= 0) {
                    chainEnd = engine.dedup.cachedOrLoaded(g, ids.of(probeDigest, buf, pos, cut));
                    if (chainEnd != null) {
                        probeInterval = 1;
                    } else {
                        probeInterval = Math.min(MAX_PROBE_INTERVAL, probeInterval * 2);
                    }
                    untilProbe = probeInterval;
                }
            } else {
                chainEnd = next;
            }
            cuts.add(pos, cut, predicted);
            pos += cut;
        }
        if (cuts.n > 0) {
            while (inFlight.size() >= IN_FLIGHT) awaitOldest();
            // hand over the buffer itself; the tail not cut yet moves to a spare one
            byte[] segment = buf;
            byte[] next = spares.poll();
            buf = next != null ? next : new byte[segment.length];
            System.arraycopy(segment, pos, buf, 0, fill - pos);
            long segStart = bufStart;
            CompletableFuture<DedupStore.Prepared> prepared = engine.dedup.onWorkers(() -> {
                fingerprintChecked(segment, cuts);
                return engine.dedup.prepare(session, segment, cuts.off, cuts.len, cuts.fps, cuts.n, false, true);
            });
            lastStored = prepared.thenAcceptBothAsync(lastStored, (p, previous) -> {
                List<RecipeRecord> steps = new ArrayList<>(p.n);
                for (int i = 0; i < p.n; i++) steps.add(new RecipeRecord(segStart + p.off[i], p.fps[i], p.len[i]));
                // a creating writer's steps go under the staging id, where nothing reads them and Recovery
                // drops them if the commit never comes (the commit's synced batch makes them durable):
                // in the write that indexes the segment's new chunks, or one of their own if it has none
                if (creating) p.alsoPut = b -> Recipe.put(b, engine.meta, entryId, steps);
                engine.dedup.commit(session, p);
                spares.offer(segment);
                if (!creating) unflushed.addAll(steps);
                else if (!p.alsoWritten) writeRecipe(steps, false);
            }, engine.stages);
            inFlight.add(lastStored);
        } else {
            System.arraycopy(buf, pos, buf, 0, fill - pos);
        }
        bufStart += pos;
        fill -= pos;
    }

    /**
     * Store stage: fingerprints the chunks of a segment and checks the predicted ones, a few at a time so
     * that little is hashed past a wrong prediction. At the first wrong one, cuts the rest of the segment
     * by content (its last chunk then ends at the segment's end) and tells the cutting thread to stop
     * following its chain.
     */
    private void fingerprintChecked(byte[] segment, Cuts cuts) {
        for (int from = 0; from < cuts.n; from += CHECK_BATCH) {
            int to = Math.min(cuts.n, from + CHECK_BATCH);
            ids.ofAll(segment, cuts.off, cuts.len, from, to, cuts.fps);
            for (int i = from; i < to; i++) {
                if (cuts.predicted[i] == null || cuts.fps[i].equals(cuts.predicted[i])) continue;
                mispredicted = true;
                int end = cuts.off[cuts.n - 1] + cuts.len[cuts.n - 1];
                int pos = cuts.off[i];
                cuts.n = i;
                while (pos < end) {
                    int cut = chunker.next(segment, pos, end - pos, true);
                    cuts.add(pos, cut, null);
                    pos += cut;
                }
                ids.ofAll(segment, cuts.off, cuts.len, i, cuts.n, cuts.fps);
                return;
            }
        }
    }

    /** The chunks cut from one segment: offsets, lengths, fingerprints once hashed, predictions to check. */
    private static final class Cuts {
        int[] off;
        int[] len;
        Fingerprint[] fps;
        Fingerprint[] predicted;
        int n;

        Cuts(int capacity) {
            off = new int[capacity];
            len = new int[capacity];
            fps = new Fingerprint[capacity];
            predicted = new Fingerprint[capacity];
        }

        void add(int offset, int length, Fingerprint prediction) {
            if (n == off.length) {
                off = Arrays.copyOf(off, n * 2);
                len = Arrays.copyOf(len, n * 2);
                fps = Arrays.copyOf(fps, n * 2);
                predicted = Arrays.copyOf(predicted, n * 2);
            }
            off[n] = offset;
            len[n] = length;
            predicted[n] = prediction;
            n++;
        }
    }

    /** Waits for the oldest segment in flight; rethrows its failure. */
    private void awaitOldest() {
        join(inFlight.peekFirst());
        inFlight.pollFirst();
    }

    /** Waits for every segment in flight; rethrows the first failure. */
    private void awaitStored() {
        join(lastStored);
        inFlight.clear();
    }

    private void join(CompletableFuture<Void> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            // every later store failed with it (each waits for the one before)
            inFlight.clear();
            lastStored = CompletableFuture.completedFuture(null);
            failed = e.getCause() instanceof EngineException ee ? ee
                    : new EngineException(EngineException.Reason.IO_ERROR, "storing '" + name + "' failed: " + e.getCause(), e.getCause());
            throw failed;
        }
    }

    /**
     * Bounds what a long append holds in memory: makes the recipe steps of the segments stored so far
     * durable without cutting a chunk at this arbitrary point (that would cost dedup); the entry grows
     * to the end of those steps.
     */
    private void persistStored() {
        awaitStored();
        session.makeChunksDurable();
        writeWithRecipe("writing", false, b -> container.putEntrySize(b, name, entryId, bufStart));
        unflushed.clear();
        unflushedBytes = 0;
    }

    @Override
    public void flush() {
        checkOpen();
        chunkSegment(true);
        awaitStored();
        session.makeChunksDurable();
        writeWithRecipe("flush of", true, b -> creating ? null : container.putEntrySize(b, name, entryId, position()));
        session.committed();
        unflushed.clear();
        unflushedBytes = 0;
    }

    /** What a flush, commit or persist puts beside the recipe steps; returns what the caller reports. */
    private interface EntryUpdate<T> {
        T put(WriteBatch b) throws RocksDBException;
    }

    /**
     * Writes the unflushed recipe steps and {@code update} in one batch, under the entry's lock:
     * random-access writes ({@link FileEntryImpl}) hold it while they read, split and replace recipe
     * steps, so a rewrite never works from a recipe an append changes under it.
     */
    private <T> T writeWithRecipe(String what, boolean sync, EntryUpdate<T> update) {
        engine.pausePoints.beforePublish.run();
        synchronized (engine.entryLock(container.id(), name)) {
            try (WriteBatch b = engine.meta.batch()) {
                Recipe.put(b, engine.meta, entryId, unflushed);
                T result = update.put(b);
                engine.meta.write(b, sync);
                return result;
            } catch (RocksDBException e) {
                throw new EngineException(EngineException.Reason.IO_ERROR, what + " '" + name + "' failed", e);
            }
        }
    }

    private void writeRecipe(List<RecipeRecord> steps, boolean sync) {
        try (WriteBatch b = engine.meta.batch()) {
            Recipe.put(b, engine.meta, entryId, steps);
            engine.meta.write(b, sync);
        } catch (RocksDBException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "writing '" + name + "' failed", e);
        }
    }

    @Override
    public EntryInfo commit(Map<String, String> attributes) {
        checkOpen();
        chunkSegment(true);
        awaitStored();
        session.makeChunksDurable();
        EntryInfo info = writeWithRecipe("commit of", true, b -> {
            long now = engine.clock.millis();
            if (creating) {
                EntryRecord rec = new EntryRecord(entryId, EntryInfo.Kind.STREAM, position(), 0, false, now,
                        attributes == null ? Map.of() : Map.copyOf(attributes));
                container.replaceEntry(b, name, rec, rec.size());
                b.delete(engine.meta.cf(Family.STAGING), Keys.id(entryId));
                return rec.info(name);
            }
            EntryRecord rec = container.putEntrySize(b, name, entryId, position());
            if (attributes != null) {
                rec = rec.withAttributes(attributes, now);
                b.put(engine.meta.cf(Family.ENTRIES), container.entryKey(name), rec.encode());
            }
            return rec.info(name);
        });
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
            try (WriteBatch b = engine.meta.batch()) {
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
        try {
            if (creating) abort();
            else commit(null);
        } catch (RuntimeException e) {
            // a commit that failed still gives the session up (registered, its references would keep chunks
            // from every clean and its container from being sealed until a restart), once no stage uses it
            if (!done) {
                try {
                    awaitStored();
                } catch (RuntimeException ignored) {
                    // failed with the commit already
                }
                try {
                    finish();
                } catch (RuntimeException f) {
                    e.addSuppressed(f);
                }
            }
            throw e;
        }
    }

    private void finish() {
        done = true;
        session.committed();
        session.close();
    }

    private void checkOpen() {
        if (done) throw new EngineException(EngineException.Reason.CLOSED, "writer of '" + name + "' is closed");
        if (failed != null) {
            throw new EngineException(failed.reason(), "an earlier write to '" + name + "' failed, so nothing more is"
                    + " taken (abort, then write again from the last flush): " + failed.getMessage(), failed);
        }
    }
}
