package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.crypto.DataKey;
import dev.cistern.engine.meta.Counters;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import dev.cistern.engine.store.ChunkContainerWriter;
import dev.cistern.engine.store.ChunkLocation;
import dev.cistern.engine.store.ChunkRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

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

    DedupStore(MetaStore meta, ExecutorService workers, int threads, java.nio.file.Path dataDir) {
        this.meta = meta;
        this.workers = workers;
        this.threads = threads;
        try {
            this.fileStore = Files.getFileStore(dataDir);
        } catch (IOException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "cannot stat " + dataDir, e);
        }
    }

    long freeBytes() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Fingerprints {@code n} chunks of {@code buf}, in parallel when there are several. */
    Fingerprint[] fingerprint(byte[] buf, int[] off, int[] len, int n) {
        Fingerprint[] fps = new Fingerprint[n];
        parallel(n, (from, to) -> {
            var md = Fingerprint.digest();
            for (int i = from; i < to; i++) fps[i] = Fingerprint.of(md, buf, off[i], len[i]);
        });
        return fps;
    }

    /**
     * Stores chunks {@code buf[off[i]..off[i]+len[i])} with fingerprints {@code fps}, each once per group;
     * returns their locations. The session notes every reference for durability and the cleaner.
     */
    ChunkLocation[] store(WriteSession s, byte[] buf, int[] off, int[] len, Fingerprint[] fps, int n) {
        GroupState g = s.group;
        ChunkLocation[] locs = new ChunkLocation[n];
        g.tracker.lock.readLock().lock();
        try {
            resolveExisting(g, fps, n, locs);
            List<Integer> owned = new ArrayList<>();
            Map<Integer, CompletableFuture<ChunkLocation>> waiting = new HashMap<>();
            Map<Fingerprint, Integer> firstInBatch = new HashMap<>();
            for (int i = 0; i < n; i++) {
                if (locs[i] != null) continue;
                Integer first = firstInBatch.putIfAbsent(fps[i], i);
                if (first != null) continue;
                CompletableFuture<ChunkLocation> mine = new CompletableFuture<>();
                CompletableFuture<ChunkLocation> other = g.inflight.putIfAbsent(fps[i], mine);
                if (other == null) owned.add(i);
                else waiting.put(i, other);
            }
            if (!owned.isEmpty()) writeNew(s, buf, off, len, fps, owned, locs);
            for (var e : waiting.entrySet()) {
                try {
                    locs[e.getKey()] = e.getValue().join();
                } catch (CompletionException ex) {
                    // the other writer failed to store it: store it ourselves
                    writeNew(s, buf, off, len, fps, List.of(e.getKey()), locs);
                }
            }
            for (int i = 0; i < n; i++) {
                if (locs[i] == null) locs[i] = locs[firstInBatch.get(fps[i])];
                ChunkContainerWriter open = g.store.openWriter(locs[i].containerId());
                if (open != null) s.needs(open, (long) locs[i].offset() + locs[i].recordLength());
                g.tracker.referenced(s, fps[i].prefix());
            }
            return locs;
        } finally {
            g.tracker.lock.readLock().unlock();
        }
    }

    /** Looks chunks up in the locality cache, then in the index; loads the containers of index hits. */
    private void resolveExisting(GroupState g, Fingerprint[] fps, int n, ChunkLocation[] locs) {
        IndexLookup.locate(meta, g, fps, n, locs, i -> {
            long container = locs[i].containerId();
            if (!g.cache.holds(container)) loadLocality(g, container);
        });
    }

    void loadLocality(GroupState g, long containerId) {
        List<Map.Entry<Fingerprint, ChunkLocation>> chunks = new ArrayList<>();
        try (Scanner sc = meta.scan(Family.CONTAINER_CHUNKS, Keys.id2(g.id(), containerId))) {
            while (sc.next()) {
                ContainerChunk c = ContainerChunk.decode(sc.key(), sc.value());
                chunks.add(new AbstractMap.SimpleImmutableEntry<>(c.fingerprint(), c.location()));
            }
        }
        g.cache.load(containerId, chunks);
    }

    private void writeNew(WriteSession s, byte[] buf, int[] off, int[] len, Fingerprint[] fps, List<Integer> which,
                          ChunkLocation[] locs) {
        GroupState g = s.group;
        try {
            DataKey key = g.writeKey();
            var compression = g.record.compression();
            byte[][] records = new byte[which.size()][];
            parallel(which.size(), (from, to) -> {
                for (int k = from; k < to; k++) {
                    int i = which.get(k);
                    records[k] = ChunkRecord.encode(buf, off[i], len[i], fps[i], compression, key);
                }
            });
            if (freeBytes() < DISK_RESERVE + g.store.targetSize()) {
                throw new EngineException(EngineException.Reason.NO_SPACE, "the data disk is full ("
                        + freeBytes() / (1024 * 1024) + " MiB free): nothing more can be stored until space is freed");
            }
            long total = 0;
            for (byte[] r : records) total += r.length;
            checkQuota(g, total);
            int done = 0;
            long rawSum = 0;
            long recSum = 0;
            try (var batch = new org.rocksdb.WriteBatch()) {
                try {
                    for (int k = 0; k < which.size(); k++) {
                        int i = which.get(k);
                        byte[] rec = records[k];
                        ChunkLocation loc = append(s, rec, fps[i], len[i]);
                        locs[i] = loc;
                        batch.put(meta.cf(Family.INDEX), indexKey(g.id(), fps[i]), loc.encode());
                        ContainerChunk cc = new ContainerChunk(g.id(), loc, fps[i], s.ownerContainerId);
                        batch.put(meta.cf(Family.CONTAINER_CHUNKS), cc.key(), cc.value());
                        g.cache.add(fps[i], loc);
                        rawSum += len[i];
                        recSum += rec.length;
                        done++;
                    }
                } finally {
                    // index what was appended even if a later append failed, so counters match the files
                    if (done > 0) {
                        Counters.add(batch, meta, GroupCounters.unique(g.id()), rawSum);
                        Counters.add(batch, meta, GroupCounters.stored(g.id()), recSum);
                        Counters.add(batch, meta, GroupCounters.chunks(g.id()), done);
                        Counters.add(batch, meta, GroupCounters.containerUnique(s.ownerContainerId), rawSum);
                        Counters.add(batch, meta, GroupCounters.containerStored(s.ownerContainerId), recSum);
                        Counters.add(batch, meta, GroupCounters.containerChunks(s.ownerContainerId), done);
                        meta.write(batch, false);
                        g.uniqueBytes.addAndGet(rawSum);
                        g.storedBytes.addAndGet(recSum);
                        g.chunkCount.addAndGet(done);
                    }
                }
            } catch (org.rocksdb.RocksDBException e) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "index update failed: " + e.getMessage(), e);
            }
            for (int i : which) {
                CompletableFuture<ChunkLocation> f = g.inflight.remove(fps[i]);
                if (f != null) f.complete(locs[i]);
            }
        } catch (RuntimeException e) {
            for (int i : which) {
                CompletableFuture<ChunkLocation> f = g.inflight.remove(fps[i]);
                if (f != null) f.completeExceptionally(e);
            }
            throw e;
        }
    }

    private static void checkQuota(GroupState g, long more) {
        long quota = g.record.quotaBytes();
        if (quota > 0 && g.storedBytes.get() + more > quota) {
            throw new EngineException(EngineException.Reason.QUOTA_EXCEEDED, "storage group '" + g.name()
                    + "' is at its quota of " + quota + " bytes (" + g.storedBytes.get()
                    + " stored): raise the quota, or delete data and run clean");
        }
    }

    private ChunkLocation append(WriteSession s, byte[] rec, Fingerprint fp, int rawLen) {
        GroupState g = s.group;
        try {
            synchronized (s) {
                if (s.current == null) s.current = g.store.acquire();
                ChunkContainerWriter w = s.current;
                int payload = rec.length - ChunkRecord.HEADER;
                int off = w.append(rec, fp, payload, rawLen);
                ChunkLocation loc = new ChunkLocation(w.id(), off, payload, rawLen);
                if (w.size() >= g.store.targetSize()) {
                    g.store.sealLater(w);
                    s.current = null;
                }
                return loc;
            }
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("No space left")) {
                throw new EngineException(EngineException.Reason.NO_SPACE, "the data disk is full: " + m, e);
            }
            throw new EngineException(EngineException.Reason.IO_ERROR, "cannot append to chunk container: " + m, e);
        }
    }

    static byte[] indexKey(long groupId, Fingerprint fp) {
        return ByteBuffer.allocate(8 + Fingerprint.LENGTH).putLong(groupId).put(fp.bytes()).array();
    }

    interface Range {
        void run(int from, int to);
    }

    /** Runs {@code r} over [0, n) split across the worker threads; inline when small. */
    void parallel(int n, Range r) {
        if (n <= 2 || threads == 1) {
            r.run(0, n);
            return;
        }
        int parts = Math.min(threads, n);
        List<Future<?>> fs = new ArrayList<>(parts - 1);
        int step = (n + parts - 1) / parts;
        for (int p = 1; p < parts; p++) {
            int from = p * step;
            int to = Math.min(n, from + step);
            if (from < to) fs.add(workers.submit(() -> r.run(from, to)));
        }
        r.run(0, Math.min(n, step));
        for (Future<?> f : fs) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(EngineException.Reason.IO_ERROR, "interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new EngineException(EngineException.Reason.IO_ERROR, "worker failed: " + e.getCause(), e.getCause());
            }
        }
    }
}
