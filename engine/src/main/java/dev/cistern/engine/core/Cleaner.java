package dev.cistern.engine.core;

import dev.cistern.engine.CleanMode;
import dev.cistern.engine.CleanReport;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.Progress;
import dev.cistern.engine.meta.ContainerRecord;
import dev.cistern.engine.meta.EntryRecord;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import dev.cistern.engine.store.ChunkContainerWriter;
import dev.cistern.engine.store.ChunkRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.logging.Logger;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;

/**
 * Mark and sweep, while ingest goes on (see {@code package-info} for why no live chunk is lost).
 *
 * <ol>
 * <li>For each group, turn reference tracking on ({@link ReferenceTracker#beginClean}), then take a
 *     metadata snapshot.</li>
 * <li>Mark: every fingerprint in every recipe and block map of the snapshot (published and staging
 *     entries) goes into the group's live set.</li>
 * <li>Sweep each sealed container: a record is live if its fingerprint is live or touched since step 1
 *     and the index points at this very record (other copies are duplicates). If enough is dead (a
 *     {@link #DEAD_SHARE} of its bytes in {@link CleanMode#THRESHOLD} mode, any record in
 *     {@link CleanMode#FULL} mode; a container with no live record always goes), under the tracker's
 *     write lock the dead records' index entries are removed; then live records are copied verbatim into
 *     a fresh container, forced, re-indexed, and the old file is deleted.</li>
 * <li>Entries committed into a container after it was deleted are dropped ({@link DeletedContainerEntries}).</li>
 * <li>Chunks still referenced whose owner container was deleted are listed under a container that
 *     references them, with their space figures ({@link OwnerReattribution}: found before mark, a new
 *     owner noted during it).</li>
 * </ol>
 * Cancelling ({@link Progress#cancelled()}) is checked during mark, before anything changes, and between
 * containers in sweep, never inside one: each container is swept whole or not at all, and the output
 * container holds only records already re-indexed, so it is sealed as at the end of a full run.
 */
final class Cleaner {
    private static final Logger LOG = Logger.getLogger(Cleaner.class.getName());
    /** In THRESHOLD mode, rewrite a container when at least this share of its bytes is dead. */
    private static final double DEAD_SHARE = 0.25;

    private final LocalEngine engine;
    private final CleanMode mode;
    private final DeletedContainerEntries leftovers = new DeletedContainerEntries();
    private long scanned;
    private long rewritten;
    private long deleted;
    private long chunksFreed;
    private long bytesReclaimed;
    private long liveCopied;
    private long damaged;

    Cleaner(LocalEngine engine, CleanMode mode) {
        this.engine = engine;
        this.mode = mode;
    }

    CleanReport run(Progress progress) {
        long t0 = System.nanoTime();
        List<GroupState> groups = new ArrayList<>(engine.groups.values());
        Map<Long, LongSet> touched = new HashMap<>();
        for (GroupState g : groups) touched.put(g.id(), g.tracker.beginClean());
        Snapshot snap = engine.meta.snapshot();
        try {
            // chunks whose owner container is gone get a container that references them (see OwnerReattribution)
            Set<Long> existing = OwnerReattribution.containerIds(engine);
            Map<Long, OwnerMap> orphans = new HashMap<>();
            for (GroupState g : groups) orphans.put(g.id(), OwnerReattribution.orphans(engine, g, existing));
            Map<Long, LongSet> live = mark(snap, progress, orphans);
            Map<GroupState, List<ChunkContainerState>> sealed = new LinkedHashMap<>();
            engine.pausePoints.beforeSweep.run();
            for (GroupState g : groups) sealed.put(g, sealedContainers(g));
            long total = 0;
            for (List<ChunkContainerState> l : sealed.values()) total += l.size();
            for (GroupState g : groups) {
                sweep(g, sealed.get(g), total, live.getOrDefault(g.id(), new LongSet(16)), touched.get(g.id()), progress);
            }
            for (GroupState g : groups) {
                OwnerReattribution.apply(engine, g, orphans.get(g.id()), existing);
            }
            int dropped = leftovers.drop(engine);
            if (dropped > 0) LOG.info("dropped " + dropped + " entries committed into containers already deleted");
        } catch (IOException | RocksDBException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "clean failed: " + e.getMessage(), e);
        } finally {
            engine.meta.releaseSnapshot(snap);
            for (GroupState g : groups) g.tracker.endClean();
        }
        return new CleanReport(scanned, rewritten, deleted, chunksFreed, bytesReclaimed, liveCopied, damaged,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * The live set of each group; also offers {@code orphans} (group → prefixes of chunks owned by a
     * deleted container) each container referencing them.
     */
    private Map<Long, LongSet> mark(Snapshot snap, Progress progress, Map<Long, OwnerMap> orphans) {
        Map<Long, Long> containerGroup = new HashMap<>();
        for (ContainerRecord r : engine.containerRecords()) containerGroup.put(r.id(), r.groupId());
        // entry id → its container, for the entries of existing containers
        Map<Long, Long> entryContainer = new HashMap<>();
        try (Scanner sc = engine.meta.scan(Family.ENTRIES, new byte[0], snap)) {
            while (sc.next()) {
                long cid = Keys.longAt(sc.key(), 0);
                long entryId = EntryRecord.decode(sc.value()).entryId();
                if (containerGroup.containsKey(cid)) entryContainer.put(entryId, cid);
                else leftovers.note(sc.key(), entryId);
            }
        }
        try (Scanner sc = engine.meta.scan(Family.STAGING, new byte[0], snap)) {
            while (sc.next()) {
                long cid = Keys.longAt(sc.value(), 0);
                if (containerGroup.containsKey(cid)) entryContainer.put(Keys.longAt(sc.key(), 0), cid);
            }
        }
        Map<Long, LongSet> live = new HashMap<>();
        long done = 0;
        for (Family f : List.of(Family.RECIPES, Family.BLOCKS)) {
            try (Scanner sc = engine.meta.scan(f, new byte[0], snap)) {
                long lastEntry = -1;
                LongSet set = null;
                OwnerMap wanted = null;
                long cid = 0;
                while (sc.next()) {
                    long entryId = Keys.longAt(sc.key(), 0);
                    if (entryId != lastEntry) {
                        lastEntry = entryId;
                        Long c = entryContainer.get(entryId);
                        Long gid = c == null ? null : containerGroup.get(c);
                        set = gid == null ? null : live.computeIfAbsent(gid, k -> new LongSet(1 << 16));
                        wanted = gid == null ? null : orphans.get(gid);
                        if (wanted != null && wanted.isEmpty()) wanted = null;
                        cid = c == null ? 0 : c;
                    }
                    byte[] v = sc.value();
                    int refs = ChunkReferences.count(f, v);
                    if (set != null) {
                        for (int i = 0; i < refs; i++) {
                            long p = Keys.longAt(v, ChunkReferences.fingerprintOffset(f, i));
                            set.add(p);
                            if (wanted != null) wanted.offer(p, cid);
                        }
                    }
                    long before = done;
                    done += refs;
                    if (done / 65536 != before / 65536) {
                        progress.update(done, 0, "mark");
                        if (progress.cancelled()) {
                            throw new EngineException(EngineException.Reason.CANCELLED, "clean cancelled while marking"
                                    + " live chunks (" + done + " references read); no chunk container was touched");
                        }
                    }
                }
            }
        }
        progress.update(done, done, "mark");
        return live;
    }

    /** The containers of {@code g} to sweep: sealed, and no writer has them open. */
    private List<ChunkContainerState> sealedContainers(GroupState g) throws IOException {
        g.store.sealIdle();
        List<ChunkContainerState> sealed = new ArrayList<>();
        try (Scanner sc = engine.meta.scan(Family.CHUNK_CONTAINERS, Keys.id(g.id()))) {
            while (sc.next()) {
                ChunkContainerState s = ChunkContainerState.decode(sc.key(), sc.value());
                if (s.sealed() && g.store.openWriter(s.containerId()) == null) sealed.add(s);
            }
        }
        return sealed;
    }

    /** Sweeps {@code sealed}; {@code total} is the number of containers of all groups, for the cancel message. */
    private void sweep(GroupState g, List<ChunkContainerState> sealed, long total, LongSet live, LongSet touched,
                       Progress progress) throws IOException, RocksDBException {
        ChunkContainerWriter out = null;
        long done = 0;
        try {
            for (ChunkContainerState s : sealed) {
                if (progress.cancelled()) {
                    throw new EngineException(EngineException.Reason.CANCELLED, "clean cancelled after " + scanned
                            + " of " + total + " chunk containers; " + bytesReclaimed + " bytes reclaimed so far stay"
                            + " reclaimed, the rest is untouched: run clean again to finish");
                }
                scanned++;
                try {
                    out = sweepContainer(g, s, live, touched, out);
                } catch (DamagedRecord e) {
                    // left in place, its dead chunks already off the index; the other containers still get swept
                    damaged++;
                    LOG.warning(e.getMessage());
                }
                progress.update(++done, sealed.size(), "sweep " + g.name());
            }
        } finally {
            // holds only records already re-indexed by finished containers, cancelled or not
            if (out != null) g.store.seal(out);
        }
    }

    private ChunkContainerWriter sweepContainer(GroupState g, ChunkContainerState s, LongSet live, LongSet touched,
                                                ChunkContainerWriter out) throws IOException, RocksDBException {
        List<ContainerChunk> chunks = listChunks(g.id(), s.containerId());
        // A record is live if any chunk in it is: a frame is kept (and its chunks stay indexed) whole.
        // This first look only decides whether the container is worth rewriting.
        if (!worthRewriting(s, chunks, liveRecords(g, chunks, live, touched))) return out;

        List<ContainerChunk> keep = new ArrayList<>();
        List<ContainerChunk> dead = new ArrayList<>();
        // Decide under the write lock: no writer is between lookup and noting its reference. The listing
        // and liveness are looked at again here. A writer seals its full container as soon as it has
        // appended to it and lists the records it appended only after (in its index batch, under the
        // read lock): chunks missing from the first look are listed now, and kept if a writer referenced
        // them. Deciding from the first listing dropped such records with the old file.
        engine.pausePoints.beforeSweepLock.run();
        g.tracker.lock.writeLock().lock();
        try (WriteBatch b = engine.meta.batch()) {
            chunks = listChunks(g.id(), s.containerId());
            Set<Integer> liveRecords = liveRecords(g, chunks, live, touched);
            for (ContainerChunk c : chunks) {
                if (liveRecords.contains(c.location().offset())) {
                    keep.add(c);
                } else {
                    if (IndexLookup.indexedAt(engine.meta, g, c.fingerprint(), c.location())) {
                        b.delete(engine.meta.cf(Family.INDEX), DedupStore.indexKey(g.id(), c.fingerprint()));
                    }
                    // Also unlist it: a writer that later hits a live neighbour loads this container's
                    // listing into its locality cache, and must not find the dead chunk there.
                    b.delete(engine.meta.cf(Family.CONTAINER_CHUNKS), c.key());
                    // and take it off the counters in the same batch: once unlisted, no later run sees it
                    ChunkAccounting.remove(engine, b, c);
                    dead.add(c);
                }
            }
            engine.meta.write(b, false);
            g.cache.invalidate(s.containerId());
        } finally {
            g.tracker.lock.writeLock().unlock();
        }
        for (ContainerChunk c : dead) {
            chunksFreed++;
            bytesReclaimed += c.location().storedLength();
            g.uniqueBytes.addAndGet(-c.location().rawLength());
            g.storedBytes.addAndGet(-c.location().storedLength());
            g.chunkCount.decrementAndGet();
        }

        WriteBatch b = engine.meta.batch();
        try {
            List<ContainerChunk> moved = new ArrayList<>(keep.size());
            // every live record is read and checked before any is copied: a container with a damaged one
            // stays whole, and the output gets no record that would not be indexed (at most a container's
            // worth of records in memory)
            List<byte[]> records = new ArrayList<>();
            for (int i = 0; i < keep.size(); ) {
                ContainerChunk first = keep.get(i);
                records.add(readChecked(g, s, first));
                while (i < keep.size() && keep.get(i).location().offset() == first.location().offset()) i++;
            }
            // keep is in container order: the chunks of one record are next to each other
            int r = 0;
            for (int i = 0; i < keep.size(); r++) {
                ContainerChunk first = keep.get(i);
                byte[] rec = records.get(r);
                if (out == null) out = g.store.acquire();
                int off = out.append(rec);
                for (; i < keep.size() && keep.get(i).location().offset() == first.location().offset(); i++) {
                    ContainerChunk c = keep.get(i);
                    moved.add(new ContainerChunk(g.id(), c.location().movedTo(out.id(), off), c.fingerprint(), c.ownerContainerId()));
                }
                liveCopied += rec.length;
                if (out.size() >= g.store.targetSize()) {
                    g.store.seal(out);
                    out = null;
                }
            }
            if (out != null) out.force();
            g.tracker.lock.writeLock().lock();
            try {
                for (int i = 0; i < moved.size(); i++) {
                    ContainerChunk m = moved.get(i);
                    if (IndexLookup.indexedAt(engine.meta, g, m.fingerprint(), keep.get(i).location())) {
                        b.put(engine.meta.cf(Family.INDEX), DedupStore.indexKey(g.id(), m.fingerprint()), m.location().encode());
                    }
                    b.put(engine.meta.cf(Family.CONTAINER_CHUNKS), m.key(), m.value());
                }
                // the copies were counted when first stored; the file overhead goes with the old file
                b.deleteRange(engine.meta.cf(Family.CONTAINER_CHUNKS), Keys.id2(g.id(), s.containerId()),
                        Keys.id2(g.id(), s.containerId() + 1));
                b.delete(engine.meta.cf(Family.CHUNK_CONTAINERS), s.key());
                engine.meta.write(b, true);
                g.cache.invalidate(s.containerId());
            } finally {
                g.tracker.lock.writeLock().unlock();
            }
            g.store.delete(s.containerId());
            if (keep.isEmpty()) deleted++;
            else rewritten++;
            return out;
        } finally {
            b.close();
        }
    }

    /** The live record holding {@code c}, read whole and checksummed; DamagedRecord if it cannot be. */
    private byte[] readChecked(GroupState g, ChunkContainerState s, ContainerChunk c) {
        String where = "chunk " + c.fingerprint() + " of storage group '" + g.name() + "' in chunk container "
                + Long.toHexString(s.containerId());
        byte[] rec;
        try {
            rec = g.store.readRecord(c.location());
        } catch (EngineException e) {
            // truncated, or the file is gone
            throw new DamagedRecord(where + " cannot be read (" + e.getMessage() + "); the cleaner left the container"
                    + " in place: run verify");
        }
        if (!ChunkRecord.checksumOk(rec, 0, rec.length)) {
            throw new DamagedRecord(where + " is damaged; the cleaner left the container in place: run verify");
        }
        return rec;
    }

    /**
     * Whether {@code s} is to be rewritten (or deleted, when nothing in it is live), given its listed
     * {@code chunks} and the offsets of its {@code liveRecords}. FULL mode looks at listed records only: the
     * file's header and trailer are not dead space, so a byte share would call every container dead.
     */
    private boolean worthRewriting(ChunkContainerState s, List<ContainerChunk> chunks, Set<Integer> liveRecords) {
        if (chunks.isEmpty()) return s.size() > 0;
        if (liveRecords.isEmpty()) return true;
        if (mode == CleanMode.FULL) {
            Set<Integer> records = new HashSet<>();
            for (ContainerChunk c : chunks) records.add(c.location().offset());
            return liveRecords.size() < records.size();
        }
        long liveBytes = 0;
        for (ContainerChunk c : chunks) if (liveRecords.contains(c.location().offset())) liveBytes += c.location().storedLength();
        return 1.0 - (double) liveBytes / Math.max(1, s.size()) >= DEAD_SHARE;
    }

    /** A live record cannot be read or failed its checksum: its container stays, nothing of it was copied. */
    private static final class DamagedRecord extends RuntimeException {
        DamagedRecord(String message) {
            super(message, null, false, false);
        }
    }

    /** Offsets of the records of {@code chunks} that hold at least one live chunk. */
    private Set<Integer> liveRecords(GroupState g, List<ContainerChunk> chunks, LongSet live, LongSet touched) {
        Set<Integer> out = new HashSet<>();
        for (ContainerChunk c : chunks) {
            if (!out.contains(c.location().offset()) && isLive(g, c, live, touched)) out.add(c.location().offset());
        }
        return out;
    }

    private boolean isLive(GroupState g, ContainerChunk c, LongSet live, LongSet touched) {
        long p = c.fingerprint().prefix();
        if (!live.contains(p) && !touched.contains(p)) return false;
        return IndexLookup.indexedAt(engine.meta, g, c.fingerprint(), c.location());
    }

    private List<ContainerChunk> listChunks(long groupId, long containerId) {
        List<ContainerChunk> out = new ArrayList<>();
        try (Scanner sc = engine.meta.scan(Family.CONTAINER_CHUNKS, Keys.id2(groupId, containerId))) {
            while (sc.next()) out.add(ContainerChunk.decode(sc.key(), sc.value()));
        }
        return out;
    }

}
