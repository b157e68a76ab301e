package dev.cistern.engine.core;

import dev.cistern.engine.Compression;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.ChunkIds;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.crypto.DataKey;
import dev.cistern.engine.meta.Counters;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.store.ChunkContainerWriter;
import dev.cistern.engine.store.ChunkLocation;
import dev.cistern.engine.store.ChunkRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

/**
 * The dedup write path shared by streams, files and volumes: given chunks and their fingerprints,
 * finds each one already stored (locality cache, then the on-disk index) or stores it once
 * (compressed, encrypted, appended to the session's open container, indexed).
 */
final class DedupStore {
    /** Keep this much disk free so metadata can still be written when chunk data fills the disk. */
    private static final long DISK_RESERVE = 64L * 1024 * 1024;

    private final MetaStore meta;
    private final ExecutorService workers;
    private final int threads;
    private final FileStore fileStore;
    private final PausePoints pausePoints;

    DedupStore(MetaStore meta, ExecutorService workers, int threads, java.nio.file.Path dataDir, PausePoints pausePoints) {
        this.meta = meta;
        this.pausePoints = pausePoints;
        this.workers = workers;
        this.threads = threads;
        try {
            this.fileStore = Files.getFileStore(dataDir);
        } catch (IOException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "cannot stat " + dataDir, e);
        }
    }

    /** Free bytes a write needs before it appends to containers of {@code targetSize}: the reserve and one container. */
    static long minFree(long targetSize) {
        return DISK_RESERVE + targetSize;
    }

    long freeBytes() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Ids of {@code n} chunks of {@code buf} in group {@code g}, in parallel when there are several. */
    Fingerprint[] fingerprint(GroupState g, byte[] buf, int[] off, int[] len, int n) {
        Fingerprint[] fps = new Fingerprint[n];
        ChunkIds ids = g.ids();
        parallel(n, (from, to) -> ids.ofAll(buf, off, len, from, to, fps));
        return fps;
    }

    /**
     * Stores chunks {@code buf[off[i]..off[i]+len[i])} with fingerprints {@code fps}, each once per group,
     * each in a record of its own (volumes and random-access files, read a chunk at a time); returns
     * their locations. The session notes every reference for durability and the cleaner.
     */
    ChunkLocation[] store(WriteSession s, byte[] buf, int[] off, int[] len, Fingerprint[] fps, int n) {
        Prepared p = prepare(s, buf, off, len, fps, n, true, false);
        return commit(s, p);
    }

    /**
     * A batch of chunks between the two stages of the write path: where the ones already stored live,
     * and the encoded records of the others.
     */
    static final class Prepared {
        final byte[] buf;
        final int[] off;
        final int[] len;
        final Fingerprint[] fps;
        final int n;
        final ChunkLocation[] locs;
        /** The cache's {@link LocalityCache#addedSoFar} before the lookup. */
        long cacheStamp;
        /** Records of the chunks missing at lookup, in stream order. */
        final List<Encoded> encoded = new ArrayList<>();
        /**
         * What the writer puts beside this batch's index entries (a stream's recipe steps), in the same
         * write when the batch stores new chunks; {@link #alsoWritten} says whether it went there.
         */
        BatchPut alsoPut;
        boolean alsoWritten;

        Prepared(byte[] buf, int[] off, int[] len, Fingerprint[] fps, int n) {
            this.buf = buf;
            this.off = off;
            this.len = len;
            this.fps = fps;
            this.n = n;
            this.locs = new ChunkLocation[n];
        }

        Encoded encode(int[] chunks, Compression compression, DataKey key) {
            byte[] rec = chunks.length == 1
                    ? ChunkRecord.encode(buf, off[chunks[0]], len[chunks[0]], fps[chunks[0]], compression, key)
                    : ChunkRecord.encodeFrame(buf, off, len, fps, chunks, 0, chunks.length, compression, key);
            return new Encoded(chunks, rec);
        }
    }

    /** Puts into a metadata batch. */
    interface BatchPut {
        void put(org.rocksdb.WriteBatch b) throws org.rocksdb.RocksDBException;
    }

    /** One record to store: a chunk alone, or a frame of several (indices into the batch, in order). */
    record Encoded(int[] chunks, byte[] record) {
    }

    /**
     * Raw bytes of new stream chunks compressed together in one frame record: 256 KiB, or 512 KiB for
     * {@code best}, whose groups trade some read speed for space (zstd stores 2% less with them).
     */
    static int frameBytes(Compression c) {
        return c == Compression.BEST ? 512 * 1024 : 256 * 1024;
    }

    /**
     * The parallel stage: finds the chunks already stored (looked up and noted as referenced under the
     * cleaner's read lock, in one step, see {@link ReferenceTracker}) and encodes (compresses,
     * encrypts) the others. With {@code framed}, consecutive new chunks go into frames of about
     * {@link #frameBytes}, compressed together (streams, which are read back in order); otherwise each
     * is a record of its own. Safe to run for several batches of one session at once.
     */
    Prepared prepare(WriteSession s, byte[] buf, int[] off, int[] len, Fingerprint[] fps, int n, boolean parallel,
                     boolean framed) {
        GroupState g = s.group;
        Prepared p = new Prepared(buf, off, len, fps, n);
        p.cacheStamp = g.cache.addedSoFar();
        g.tracker.lock.readLock().lock();
        try {
            IndexLookup.locate(meta, g, fps, n, p.locs);
            int[] found = new int[n];
            int k = 0;
            for (int i = 0; i < n; i++) if (p.locs[i] != null) found[k++] = i;
            noteReferences(s, p, Arrays.copyOf(found, k));
        } finally {
            g.tracker.lock.readLock().unlock();
        }
        List<int[]> groups = new ArrayList<>();
        int frameLimit = frameBytes(g.record.compression());
        Map<Fingerprint, Integer> firstInBatch = HashMap.newHashMap(n);
        List<Integer> frame = new ArrayList<>();
        int frameBytes = 0;
        for (int i = 0; i < n; i++) {
            if (p.locs[i] != null || firstInBatch.putIfAbsent(fps[i], i) != null) continue;
            frame.add(i);
            frameBytes += len[i];
            if (!framed || frameBytes >= frameLimit) {
                groups.add(toArray(frame));
                frame.clear();
                frameBytes = 0;
            }
        }
        if (!frame.isEmpty()) groups.add(toArray(frame));
        if (!groups.isEmpty()) {
            DataKey key = g.writeKey();
            Compression compression = g.record.compression();
            Encoded[] out = new Encoded[groups.size()];
            Range encode = (from, to) -> {
                for (int j = from; j < to; j++) out[j] = p.encode(groups.get(j), compression, key);
            };
            if (parallel) parallel(groups.size(), encode);
            else encode.run(0, groups.size());
            p.encoded.addAll(List.of(out));
        }
        return p;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Work planned by the calling thread and run by the workers and, once it is done planning, by itself. */
    PlannedWork plannedWork() {
        return new PlannedWork(workers, threads - 1);
    }

    /** Runs a stage of the write path on a worker thread: the batches of one stream overlap there. */
    <T> CompletableFuture<T> onWorkers(java.util.function.Supplier<T> stage) {
        try {
            return CompletableFuture.supplyAsync(stage, workers);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            throw new EngineException(EngineException.Reason.CLOSED, "the engine is closed");
        }
    }

    /**
     * The ordered stage: stores the encoded chunks that are still missing (another writer may have
     * stored some meanwhile, or be storing them: then this one waits for it), appends them to the
     * session's open container and indexes them. Batches of one session go through here one at a time,
     * in order, so a stream's chunks sit in its container in stream order.
     */
    ChunkLocation[] commit(WriteSession s, Prepared p) {
        GroupState g = s.group;
        ChunkLocation[] locs = p.locs;
        g.tracker.lock.readLock().lock();
        try {
            int newCount = 0;
            for (Encoded e : p.encoded) newCount += e.chunks().length;
            // sized for the batch up front: they take every new chunk, and growing them showed in profiles
            List<Encoded> toWrite = new ArrayList<>(p.encoded.size());
            Map<Integer, CompletableFuture<ChunkLocation>> waiting = new HashMap<>();
            // the chunks this writer claimed: whatever happens, each of these futures gets completed
            Map<Fingerprint, CompletableFuture<ChunkLocation>> mine = HashMap.newHashMap(newCount);
            List<Integer> newChunks = new ArrayList<>(newCount);
            try {
                List<Integer> claimed = new ArrayList<>(newCount);
                for (Encoded e : p.encoded) {
                    for (int i : e.chunks()) {
                        newChunks.add(i);
                        // claimed first and looked for after (storedSinceLookup): a chunk another writer
                        // stored since the lookup is then found there, and its claim given back
                        CompletableFuture<ChunkLocation> claim = new CompletableFuture<>();
                        CompletableFuture<ChunkLocation> other = g.inflight.putIfAbsent(p.fps[i], claim);
                        if (other == null) {
                            claimed.add(i);
                            mine.put(p.fps[i], claim);
                        } else {
                            waiting.put(i, other);
                        }
                    }
                }
                if (!claimed.isEmpty()) {
                    ChunkLocation[] storedMeanwhile = storedSinceLookup(g, p, claimed);
                    for (int k = 0; k < claimed.size(); k++) {
                        if (storedMeanwhile[k] == null) continue;
                        int i = claimed.get(k);
                        locs[i] = storedMeanwhile[k];
                        CompletableFuture<ChunkLocation> f = mine.remove(p.fps[i]);
                        g.inflight.remove(p.fps[i], f);
                        f.complete(storedMeanwhile[k]);
                    }
                }
                for (Encoded e : p.encoded) {
                    List<Integer> owned = new ArrayList<>(e.chunks().length);
                    for (int i : e.chunks()) if (locs[i] == null && mine.containsKey(p.fps[i])) owned.add(i);
                    if (owned.size() == e.chunks().length) {
                        toWrite.add(e);
                    } else if (!owned.isEmpty()) {
                        // rare: others stored part of this frame meanwhile; store the rest without them
                        toWrite.add(p.encode(toArray(owned), g.record.compression(), g.writeKey()));
                    }
                }
                // the writer's own puts ride along only if nothing else of the batch is still to store
                if (!waiting.isEmpty()) p.alsoPut = null;
                if (!toWrite.isEmpty()) writeNew(s, p, toWrite, mine);
                p.alsoPut = null;
            } finally {
                // claimed but not stored (encoding or the write failed): others waiting store it themselves
                if (!mine.isEmpty()) {
                    EngineException failed = new EngineException(EngineException.Reason.IO_ERROR, "a writer failed to store the chunk");
                    for (var e : mine.entrySet()) {
                        g.inflight.remove(e.getKey(), e.getValue());
                        e.getValue().completeExceptionally(failed);
                    }
                }
            }
            for (var e : waiting.entrySet()) locs[e.getKey()] = awaitOrStore(s, p, e.getKey(), e.getValue());
            Map<Fingerprint, ChunkLocation> stored = null;
            for (int i = 0; i < p.n; i++) {
                if (locs[i] == null) {
                    // a repeat within the batch: same location as its first occurrence
                    if (stored == null) {
                        stored = new HashMap<>();
                        for (int k : newChunks) stored.put(p.fps[k], locs[k]);
                    }
                    locs[i] = stored.get(p.fps[i]);
                }
            }
            noteReferences(s, p, toArray(newChunks));
            return locs;
        } finally {
            g.tracker.lock.readLock().unlock();
        }
    }

    /**
     * Where the chunks {@code claimed} (indices into the batch) that another writer stored since this
     * batch's lookup live now; null for the others. Storing one again would make a second copy and
     * repoint the index at it. Such a writer indexed and cached the chunk before it gave up its claim,
     * so the cache has it, unless the cache dropped it since (evicted, or moved by a clean): only then
     * is the index asked. The cache is read first and the drops after, so a drop between the two is seen.
     */
    private ChunkLocation[] storedSinceLookup(GroupState g, Prepared p, List<Integer> claimed) {
        ChunkLocation[] out = new ChunkLocation[claimed.size()];
        List<Integer> missing = new ArrayList<>();
        for (int k = 0; k < out.length; k++) {
            out[k] = g.cache.get(p.fps[claimed.get(k)]);
            if (out[k] == null) missing.add(k);
        }
        if (missing.isEmpty() || !g.cache.droppedSince(p.cacheStamp)) return out;
        List<Fingerprint> fps = new ArrayList<>(missing.size());
        for (int k : missing) fps.add(p.fps[claimed.get(k)]);
        ChunkLocation[] indexed = new ChunkLocation[missing.size()];
        IndexLookup.indexed(meta, g, fps, indexed);
        for (int j = 0; j < indexed.length; j++) out[missing.get(j)] = indexed[j];
        return out;
    }

    /**
     * Where chunk {@code i}, claimed by another writer ({@code other}), was stored. If that writer failed,
     * this one claims and stores it by the same rules as a first claim ({@link #storedSinceLookup} first,
     * one claim at a time), so two waiters never store two copies.
     */
    private ChunkLocation awaitOrStore(WriteSession s, Prepared p, int i, CompletableFuture<ChunkLocation> other) {
        GroupState g = s.group;
        Fingerprint fp = p.fps[i];
        while (true) {
            try {
                return other.join();
            } catch (CompletionException failed) {
                ChunkLocation now = g.cache.get(fp);
                if (now != null) return now;
                CompletableFuture<ChunkLocation> claim = new CompletableFuture<>();
                other = g.inflight.putIfAbsent(fp, claim);
                if (other != null) continue; // another waiter claimed it first: wait for that one
                Map<Fingerprint, CompletableFuture<ChunkLocation>> mine = new HashMap<>(Map.of(fp, claim));
                try {
                    ChunkLocation meanwhile = storedSinceLookup(g, p, List.of(i))[0];
                    if (meanwhile == null) {
                        writeNew(s, p, List.of(p.encode(new int[] {i}, g.record.compression(), g.writeKey())), mine);
                        return p.locs[i];
                    }
                    mine.remove(fp);
                    g.inflight.remove(fp, claim);
                    claim.complete(meanwhile);
                    return meanwhile;
                } finally {
                    // not settled by writeNew (the lookup or the encoding failed): others waiting retry
                    if (mine.remove(fp) != null) {
                        g.inflight.remove(fp, claim);
                        claim.completeExceptionally(new EngineException(EngineException.Reason.IO_ERROR,
                                "a writer failed to store the chunk"));
                    }
                }
            }
        }
    }

    /**
     * Under the read lock: notes the references of chunks {@code which} of a batch for the cleaner, and
     * which open containers a commit must force.
     */
    private static void noteReferences(WriteSession s, Prepared p, int[] which) {
        GroupState g = s.group;
        // chunks of one container come in runs (a stream's new chunks, its neighbours found again):
        // one look-up and one note per run, not per chunk
        long runContainer = 0;
        long runEnd = -1; // -1: no run yet
        for (int i : which) {
            ChunkLocation loc = p.locs[i];
            if (runEnd >= 0 && loc.containerId() != runContainer) {
                needsOpen(s, runContainer, runEnd);
                runEnd = -1;
            }
            runContainer = loc.containerId();
            runEnd = Math.max(runEnd, (long) loc.offset() + loc.recordLength());
            g.tracker.referenced(s, p.fps[i].prefix());
        }
        if (runEnd >= 0) needsOpen(s, runContainer, runEnd);
    }

    /** Notes that a commit must force container {@code containerId} up to {@code end}, if it is still open. */
    private static void needsOpen(WriteSession s, long containerId, long end) {
        ChunkContainerWriter open = s.group.store.openWriter(containerId);
        if (open != null) s.needs(open, end);
    }

    /**
     * References chunks already stored, as {@link #prepare} does for the ones it finds (same lock, same
     * notes for the cleaner and for durability): returns {@code steps} moved {@code shift} bytes on.
     * DAMAGED if a chunk is not in the index any more.
     */
    List<RecipeRecord> reference(WriteSession s, GroupState g, List<RecipeRecord> steps, long shift) {
        Fingerprint[] fps = new Fingerprint[steps.size()];
        for (int i = 0; i < fps.length; i++) fps[i] = steps.get(i).fingerprint();
        referenceStored(s, g, fps);
        List<RecipeRecord> out = new ArrayList<>(fps.length);
        for (RecipeRecord r : steps) out.add(new RecipeRecord(r.offset() + shift, r.fingerprint(), r.length()));
        return out;
    }

    /**
     * Notes references to chunks {@code fps} that must already be stored (a copy of an entry, or of part
     * of one), under the cleaner's read lock: a clean running now keeps them. DAMAGED if one is not in
     * the index any more (a clean removed it, or it was lost): nothing may then refer to it.
     */
    void referenceStored(WriteSession s, GroupState g, Fingerprint[] fps) {
        int n = fps.length;
        if (n == 0) return;
        Prepared p = new Prepared(null, null, null, fps, n);
        g.tracker.lock.readLock().lock();
        try {
            IndexLookup.locate(meta, g, fps, n, p.locs);
            for (int i = 0; i < n; i++) {
                if (p.locs[i] == null) {
                    throw new EngineException(EngineException.Reason.DAMAGED, "chunk " + fps[i] + " of storage group '"
                            + g.name() + "' is missing; run verify to list affected entries");
                }
            }
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            noteReferences(s, p, all);
        } finally {
            g.tracker.lock.readLock().unlock();
        }
    }

    /**
     * {@code fp}'s node in the locality cache (null if not stored), loading its container's listing if
     * the index has it. Only a hint (the cleaner may delete it right after): a writer uses it to predict
     * boundaries, which the chunk's own fingerprint then confirms or not.
     */
    LocalityCache.Node cachedOrLoaded(GroupState g, Fingerprint fp) {
        LocalityCache.Node n = g.cache.node(fp);
        if (n != null) return n;
        ChunkLocation loc = IndexLookup.lookup(meta, g, fp);
        if (loc == null) return null;
        IndexLookup.loadLocality(meta, g, loc.containerId());
        return g.cache.node(fp);
    }

    /**
     * Appends and indexes {@code records}; completes the futures of {@code claimed} (this writer's claims
     * in {@code inflight}) for the chunks stored, or with the failure, and takes them out of the map.
     */
    private void writeNew(WriteSession s, Prepared p, List<Encoded> records,
                          Map<Fingerprint, CompletableFuture<ChunkLocation>> claimed) {
        GroupState g = s.group;
        List<Integer> indexed = new ArrayList<>(p.n);
        boolean indexedWritten = false;
        ChunkLocation[] locs = p.locs;
        Fingerprint[] fps = p.fps;
        long reserved = 0;
        try {
            if (freeBytes() < minFree(g.store.targetSize())) {
                throw new EngineException(EngineException.Reason.NO_SPACE, "the data disk is full ("
                        + freeBytes() / (1024 * 1024) + " MiB free): nothing more can be stored until space is freed");
            }
            long total = 0;
            for (Encoded e : records) total += e.record().length;
            reserved = reserveQuota(g, total);
            int done = 0;
            long rawSum = 0;
            long recSum = 0;
            boolean complete = false;
            try (var batch = meta.batch()) {
                try {
                    Appended appended = appendAll(s, records);
                    pausePoints.afterAppend.run();
                    for (int r = 0; r < records.size() && appended.offsets()[r] >= 0; r++) {
                        Encoded e = records.get(r);
                        ChunkLocation[] chunkLocs = locations(p, e, appended.containers()[r], appended.offsets()[r]);
                        for (int k = 0; k < e.chunks().length; k++) {
                            int i = e.chunks()[k];
                            ChunkLocation loc = chunkLocs[k];
                            locs[i] = loc;
                            batch.put(meta.cf(Family.INDEX), indexKey(g.id(), fps[i]), loc.encode());
                            ContainerChunk cc = new ContainerChunk(g.id(), loc, fps[i], s.ownerContainerId);
                            batch.put(meta.cf(Family.CONTAINER_CHUNKS), cc.key(), cc.value());
                            indexed.add(i);
                            rawSum += p.len[i];
                            done++;
                        }
                        recSum += e.record().length;
                    }
                    if (appended.failure() != null) throw appended.failure();
                    complete = true;
                } finally {
                    // index what was appended even if a later append failed, so counters match the files
                    if (done > 0) {
                        Counters.add(batch, meta, GroupCounters.unique(g.id()), rawSum);
                        Counters.add(batch, meta, GroupCounters.stored(g.id()), recSum);
                        Counters.add(batch, meta, GroupCounters.chunks(g.id()), done);
                        Counters.add(batch, meta, GroupCounters.containerUnique(s.ownerContainerId), rawSum);
                        Counters.add(batch, meta, GroupCounters.containerStored(s.ownerContainerId), recSum);
                        Counters.add(batch, meta, GroupCounters.containerChunks(s.ownerContainerId), done);
                        // one write per batch instead of two: only when every chunk made it, so the steps
                        // never name a chunk this write does not index
                        boolean also = complete && p.alsoPut != null;
                        if (also) p.alsoPut.put(batch);
                        meta.write(batch, false);
                        indexedWritten = true;
                        p.alsoWritten = also;
                        // cached only once indexed and listed: a writer deduplicating against the cache then
                        // never refers to a chunk the index lacks, and a listing read later includes it
                        for (int i : indexed) g.cache.add(fps[i], locs[i]);
                        g.uniqueBytes.addAndGet(rawSum);
                        g.storedBytes.addAndGet(recSum);
                        g.chunkCount.addAndGet(done);
                    }
                }
            } catch (org.rocksdb.RocksDBException e) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "index update failed: " + e.getMessage(), e);
            }
            settle(g, claimed, records, fps, locs, null, null);
        } catch (RuntimeException ex) {
            // chunks indexed before a later append failed are stored: their waiters get their locations
            settle(g, claimed, records, fps, locs, ex, indexedWritten ? indexed : List.of());
            throw ex;
        } finally {
            g.quotaReserved.addAndGet(-reserved); // counted in storedBytes by now, if stored
        }
    }

    /**
     * Completes this writer's claims on the chunks of {@code records}: with their locations, or the
     * failure, except for chunks {@code stored} (indexed before the failure), which get their locations.
     */
    private static void settle(GroupState g, Map<Fingerprint, CompletableFuture<ChunkLocation>> claimed,
                               List<Encoded> records, Fingerprint[] fps, ChunkLocation[] locs, RuntimeException failure,
                               List<Integer> stored) {
        java.util.Set<Integer> ok = stored == null ? java.util.Set.of() : new java.util.HashSet<>(stored);
        for (Encoded e : records) {
            for (int i : e.chunks()) {
                CompletableFuture<ChunkLocation> f = claimed.remove(fps[i]);
                if (f == null) continue;
                g.inflight.remove(fps[i], f);
                if (failure == null || ok.contains(i)) f.complete(locs[i]);
                else f.completeExceptionally(failure);
            }
        }
    }

    /**
     * Locations of the chunks of record {@code e} stored at {@code offset} of container {@code container}.
     * A frame's stored bytes are shared out by raw length, so the space counters add up to the files.
     */
    private static ChunkLocation[] locations(Prepared p, Encoded e, long container, int offset) {
        int payload = e.record().length - ChunkRecord.HEADER;
        int[] chunks = e.chunks();
        if (chunks.length == 1) return new ChunkLocation[] {new ChunkLocation(container, offset, payload, p.len[chunks[0]])};
        long frameRaw = 0;
        for (int i : chunks) frameRaw += p.len[i];
        ChunkLocation[] out = new ChunkLocation[chunks.length];
        int rawOffset = 0;
        int storedLeft = e.record().length;
        for (int k = 0; k < chunks.length; k++) {
            int raw = p.len[chunks[k]];
            int stored = k == chunks.length - 1 ? storedLeft : (int) (e.record().length * (long) raw / frameRaw);
            out[k] = new ChunkLocation(container, offset, payload, raw, rawOffset, stored);
            rawOffset += raw;
            storedLeft -= stored;
        }
        return out;
    }

    /**
     * Reserves {@code more} bytes of the group's quota for a write now under way; QUOTA_EXCEEDED if what is
     * stored plus what writers have reserved would pass it. A check alone let concurrent writers each pass
     * it and all store. Returns what to release once the bytes are counted as stored (0 without a quota).
     */
    private static long reserveQuota(GroupState g, long more) {
        long quota = g.record.quotaBytes();
        if (quota <= 0) return 0;
        long reserved = g.quotaReserved.addAndGet(more);
        long stored = g.storedBytes.get();
        if (stored + reserved > quota) {
            g.quotaReserved.addAndGet(-more);
            throw new EngineException(EngineException.Reason.QUOTA_EXCEEDED, "storage group '" + g.name()
                    + "' is at its quota of " + quota + " bytes (" + stored
                    + " stored): raise the quota, or delete data and run clean");
        }
        return more;
    }

    /**
     * Appends {@code records} to the session's open container, one write per container (a new one is
     * started whenever the open one reaches its target size). Returns where each went; if an append
     * fails, the offsets from there on are -1 and the failure is returned for the caller to throw once
     * it has indexed the ones before.
     */
    private Appended appendAll(WriteSession s, List<Encoded> records) {
        GroupState g = s.group;
        int n = records.size();
        long[] containers = new long[n];
        int[] offsets = new int[n];
        Arrays.fill(offsets, -1);
        byte[][] recs = new byte[n][];
        for (int k = 0; k < n; k++) recs[k] = records.get(k).record();
        synchronized (s) {
            int from = 0;
            try {
                while (from < n) {
                    if (s.current == null) s.current = g.store.acquire();
                    ChunkContainerWriter w = s.current;
                    // take records until the container reaches its target size (the last one may cross it)
                    long size = w.size();
                    int to = from;
                    while (to < n && size < g.store.targetSize()) size += recs[to++].length;
                    int off = w.appendAll(recs, from, to);
                    for (int k = from; k < to; k++) {
                        containers[k] = w.id();
                        offsets[k] = off;
                        off += recs[k].length;
                    }
                    if (w.size() >= g.store.targetSize()) {
                        g.store.sealLater(w);
                        s.current = null;
                    }
                    from = to;
                }
            } catch (IOException e) {
                String m = String.valueOf(e.getMessage());
                return new Appended(containers, offsets, EngineException.saysNoSpace(m)
                        ? new EngineException(EngineException.Reason.NO_SPACE, "the data disk is full: " + m, e)
                        : new EngineException(EngineException.Reason.IO_ERROR, "cannot append to chunk container: " + m, e));
            }
        }
        return new Appended(containers, offsets, null);
    }

    private record Appended(long[] containers, int[] offsets, EngineException failure) {
    }

    static byte[] indexKey(long groupId, Fingerprint fp) {
        return ByteBuffer.allocate(8 + Fingerprint.LENGTH).putLong(groupId).put(fp.bytes()).array();
    }

    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code r} over [0, n) on the worker threads and the caller, a few indices per task, taken as
     * threads get free rather than as fixed shares: frames of incompressible data encode and decode
     * several times faster than others, and a fixed split left one core idle at the end of a batch.
     */
    void parallel(int n, Range r) {
        if (n <= 1 || threads == 1) {
            r.run(0, n);
            return;
        }
        int grain = Math.max(1, n / (threads * 8));
        PlannedWork work = plannedWork();
        for (int from = 0; from < n; from += grain) {
            int f = from;
            int to = Math.min(n, from + grain);
            work.add(() -> r.run(f, to));
        }
        work.finish();
    }
}
