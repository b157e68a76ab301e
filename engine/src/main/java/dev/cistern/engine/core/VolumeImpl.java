package dev.cistern.engine.core;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.Counters;
import dev.cistern.engine.meta.EntryRecord;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import dev.cistern.engine.store.ChunkLocation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * A thin volume over the block map: unit index -> fingerprint in BLOCKS, absent = zeros. Writes since
 * the last flush live in an in-memory overlay (unit -> chunk) that reads consult first; a flush forces
 * the chunk data, then writes the overlay into the block map in one synced batch. Partial-unit writes
 * read, patch and re-store the unit under a per-unit lock stripe. An all-zero unit is unmapped, not stored.
 * One instance per volume is shared by all openers (see {@link VolumeRegistry}).
 */
final class VolumeImpl {
    private static final Mapping UNMAPPED = new Mapping(null, null);
    private static final int STRIPES = 1024;

    record Mapping(Fingerprint fp, ChunkLocation loc) {
        boolean mapped() {
            return fp != null;
        }
    }

    final long entryId;
    private final LocalEngine engine;
    private final LocalContainerHandle container;
    /** The entry's name; a rename of the open volume changes it, holding the locks of both names. */
    volatile String name;
    private final int blockSize;
    private final boolean readOnly;
    private final int unit;
    private volatile long size;
    private final ConcurrentHashMap<Long, Mapping> overlay = new ConcurrentHashMap<>();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    /** Writers share it; flush takes it exclusively so the overlay and the session's references move to disk together. */
    private final ReentrantReadWriteLock io = new ReentrantReadWriteLock();
    private final WriteSession session;
    private final int flushUnits;
    int openCount;
    volatile boolean deleted;

    VolumeImpl(LocalEngine engine, LocalContainerHandle container, String name, EntryRecord e) {
        this.engine = engine;
        this.container = container;
        this.name = name;
        this.entryId = e.entryId();
        this.size = e.size();
        this.blockSize = e.blockSize();
        this.readOnly = e.readOnly();
        this.unit = engine.config.volumeUnit();
        this.session = new WriteSession(container.group(), container.id());
        this.flushUnits = (int) Math.max(64, engine.config.autoFlushBytes() / unit);
        for (int i = 0; i < STRIPES; i++) stripes[i] = new ReentrantLock();
    }

    long size() {
        return size;
    }

    int blockSize() {
        return blockSize;
    }

    int unit() {
        return unit;
    }

    boolean readOnly() {
        return readOnly;
    }

    String describe() {
        return "volume '" + name + "' of container '" + container.name() + "'";
    }

    private void check(long offset, long length) {
        if (deleted) throw new EngineException(EngineException.Reason.NOT_FOUND, describe() + " was deleted");
        // length > size - offset, not offset + length > size: the sum of two huge values wraps negative
        if (offset < 0 || length < 0 || offset % blockSize != 0 || length % blockSize != 0 || offset > size
                || length > size - offset) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "range " + offset + "+" + length
                    + " is outside " + describe() + " (size " + size + ", block size " + blockSize + ")");
        }
    }

    private void checkWritable() {
        if (readOnly) throw new EngineException(EngineException.Reason.READ_ONLY, describe() + " is read-only");
    }

    void read(long offset, ByteBuffer dst) {
        int length = dst.remaining();
        check(offset, length);
        if (length > unit && dst.hasArray()) {
            readBatch(offset, length, dst);
            engine.traffic(container.id()).read(length);
            return;
        }
        long u0 = offset / unit;
        long u1 = (offset + length - 1) / unit;
        Mapping[] maps = mappings(u0, u1);
        long pos = offset;
        for (long u = u0; u <= u1; u++) {
            long unitStart = u * unit;
            int from = (int) (pos - unitStart);
            int n = (int) Math.min(unit - from, offset + length - pos);
            Mapping m = maps[(int) (u - u0)];
            if (m.mapped()) {
                byte[] data = engine.chunkReader.read(container.group(), m.fp(), m.loc());
                if (from < data.length) dst.put(data, from, Math.min(n, data.length - from));
                for (int i = data.length - from; i < n; i++) dst.put((byte) 0);
            } else {
                for (int i = 0; i < n; i++) dst.put((byte) 0);
            }
            pos += n;
        }
        engine.traffic(container.id()).read(length);
    }

    /**
     * A read of several units: their chunks are located together (one multi-get for those not in the
     * locality cache) and read as a {@link RangeRead}: units written one after another sit next to each
     * other in their containers and are read with one positional read, decoded on all worker threads.
     */
    private void readBatch(long offset, int length, ByteBuffer dst) {
        long u0 = offset / unit;
        long u1 = (offset + length - 1) / unit;
        Mapping[] maps = mappings(u0, u1);
        GroupState g = container.group();
        List<Fingerprint> unlocated = new ArrayList<>();
        for (Mapping m : maps) if (m.mapped() && m.loc() == null) unlocated.add(m.fp());
        ChunkLocation[] found = engine.chunkReader.locateAll(g, unlocated.toArray(new Fingerprint[0]));
        RangeRead.read(engine.chunkReader, engine.dedup, g, offset, offset + length, dst.array(), dst.arrayOffset() + dst.position(),
                range -> {
                    for (int i = 0, k = 0; i < maps.length; i++) {
                        Mapping m = maps[i];
                        if (!m.mapped()) continue; // unmapped: reads as zeros
                        ChunkLocation loc = m.loc() != null ? m.loc() : found[k++];
                        // a unit stored before the volume grew may be shorter: the rest of it reads as zeros
                        range.add(new RecipeRecord((u0 + i) * unit, m.fp(), loc.rawLength()), loc);
                    }
                });
        dst.position(dst.position() + length);
    }

    /** Current mappings of units [u0, u1]: the overlay first, then the block map. */
    private Mapping[] mappings(long u0, long u1) {
        int n = (int) (u1 - u0 + 1);
        Mapping[] out = new Mapping[n];
        List<byte[]> keys = new ArrayList<>();
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out[i] = overlay.get(u0 + i);
            if (out[i] == null) {
                keys.add(Keys.id2(entryId, u0 + i));
                idx.add(i);
            }
        }
        if (!keys.isEmpty()) {
            List<byte[]> vals = engine.meta.multiGet(Family.BLOCKS, keys);
            for (int k = 0; k < keys.size(); k++) {
                byte[] v = vals.get(k);
                out[idx.get(k)] = v == null ? UNMAPPED : new Mapping(Fingerprint.wrap(v), null);
            }
        }
        return out;
    }

    void write(long offset, ByteBuffer src, boolean durable) {
        int length = src.remaining();
        check(offset, length);
        checkWritable();
        container.group().writeKey();
        byte[] data = new byte[length];
        src.get(data);
        apply(offset, data, false);
        engine.traffic(container.id()).written(length);
        if (durable) flush();
        else if (overlay.size() >= flushUnits) flush();
    }

    void unmap(long offset, long length) {
        check(offset, length);
        checkWritable();
        long end = offset + length;
        long w0 = (offset + unit - 1) / unit; // whole units [w0, w1) of the range
        long w1 = end / unit;
        if (w1 - w0 > UNMAP_PIECE) {
            // a large range (a whole-disk TRIM): dropped from the block map at once, in time and memory
            // for its mapped units; only the partial units at its edges are zero-filled
            if (offset < w0 * unit) unmapInPieces(offset, w0 * unit - offset);
            dropUnits(w0, w1);
            if (end > w1 * unit) unmapInPieces(w1 * unit, end - w1 * unit);
        } else {
            unmapInPieces(offset, length);
        }
        if (overlay.size() >= flushUnits) flush();
    }

    private static final int UNMAP_PIECE = 256;

    /** Zero-writes the range through the overlay, in pieces, so an unmap does not need a huge buffer. */
    private void unmapInPieces(long offset, long length) {
        long piece = (long) UNMAP_PIECE * unit;
        for (long p = offset; p < offset + length; p += piece) {
            long n = Math.min(piece, offset + length - p);
            apply(p, null, true, (int) n);
        }
    }

    /**
     * Unmaps units [w0, w1) in one synced batch: a range delete in the block map, then their unflushed
     * writes dropped from the overlay (they are older than this unmap). Under the entry's lock and the
     * write lock, as a flush, so no write or flush of those units interleaves.
     */
    private void dropUnits(long w0, long w1) {
        underEntryLock(() -> dropUnitsLocked(w0, w1));
    }

    private void dropUnitsLocked(long w0, long w1) {
        io.writeLock().lock();
        try (WriteBatch b = engine.meta.batch()) {
            check(w0 * unit, (w1 - w0) * unit); // a shrink may have cut the range since
            long dropped = 0;
            try (Scanner sc = engine.meta.scan(Family.BLOCKS, Keys.id(entryId))) {
                sc.seek(Keys.id2(entryId, w0));
                for (; sc.valid(); sc.advance()) {
                    long u = Keys.longAt(sc.key(), 8);
                    if (u >= w1) break;
                    dropped += unitBytes(u);
                }
            }
            b.deleteRange(engine.meta.cf(Family.BLOCKS), Keys.id2(entryId, w0), Keys.id2(entryId, w1));
            Counters.add(b, engine.meta, GroupCounters.volumeMapped(entryId), -dropped);
            Counters.add(b, engine.meta, GroupCounters.containerLogical(container.id()), -dropped);
            engine.meta.write(b, true);
            // only now: a read that misses the overlay must find the units gone from the map, not
            // their flushed data older than the unflushed writes dropped here
            overlay.keySet().removeIf(u -> u >= w0 && u < w1);
        } catch (RocksDBException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "unmap of " + describe() + " failed", e);
        } finally {
            io.writeLock().unlock();
        }
    }

    private void apply(long offset, byte[] data, boolean zero) {
        apply(offset, data, zero, data.length);
    }

    /** Writes {@code data} (or zeros when {@code zero}) at {@code offset}: whole units directly, edges read-patched. */
    private void apply(long offset, byte[] data, boolean zero, int length) {
        long u0 = offset / unit;
        long u1 = (offset + length - 1) / unit;
        int n = (int) (u1 - u0 + 1);
        int[] stripeIdx = lockOrder(u0, n);
        io.readLock().lock();
        for (int s : stripeIdx) stripes[s].lock();
        try {
            // again under the lock: a shrink (which holds the write lock) may have cut the range since
            check(offset, length);
            byte[] buf = new byte[n * unit];
            int[] off = new int[n];
            int[] len = new int[n];
            boolean[] allZero = new boolean[n];
            Mapping[] current = null;
            for (int i = 0; i < n; i++) {
                long unitStart = (u0 + i) * unit;
                int unitLen = (int) Math.min(unit, size - unitStart);
                long from = Math.max(offset, unitStart);
                long to = Math.min(offset + length, unitStart + unitLen);
                off[i] = i * unit;
                len[i] = unitLen;
                if (from > unitStart || to < unitStart + unitLen) {
                    if (current == null) current = mappings(u0, u1);
                    Mapping m = current[i];
                    if (m.mapped()) {
                        byte[] old = engine.chunkReader.read(container.group(), m.fp(), m.loc());
                        System.arraycopy(old, 0, buf, off[i], Math.min(old.length, unitLen));
                    }
                }
                if (zero) Arrays.fill(buf, off[i] + (int) (from - unitStart), off[i] + (int) (to - unitStart), (byte) 0);
                else System.arraycopy(data, (int) (from - offset), buf, off[i] + (int) (from - unitStart), (int) (to - from));
                allZero[i] = isZero(buf, off[i], unitLen);
            }
            int[] sOff = new int[n];
            int[] sLen = new int[n];
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (!allZero[i]) {
                    sOff[k] = off[i];
                    sLen[k] = len[i];
                    k++;
                }
            }
            ChunkLocation[] locs = null;
            Fingerprint[] fps = null;
            if (k > 0) {
                fps = engine.dedup.fingerprint(container.group(), buf, sOff, sLen, k);
                locs = engine.dedup.store(session, buf, sOff, sLen, fps, k);
            }
            for (int i = 0, j = 0; i < n; i++) {
                overlay.put(u0 + i, allZero[i] ? UNMAPPED : new Mapping(fps[j], locs[j++]));
            }
        } finally {
            for (int s : stripeIdx) stripes[s].unlock();
            io.readLock().unlock();
        }
    }

    private static int[] lockOrder(long u0, int n) {
        return java.util.stream.LongStream.range(u0, u0 + n).mapToInt(u -> (int) (u % STRIPES)).distinct().sorted().toArray();
    }

    private static boolean isZero(byte[] b, int off, int len) {
        return Arrays.mismatch(b, off, off + len, ZEROS, 0, len) < 0;
    }

    private static final byte[] ZEROS = new byte[64 * 1024];

    /**
     * Walks the mapped units of the range in order (the block map's keys merged with the overlay's
     * entries), so time and memory follow the mapped units and the extents returned, not the range.
     */
    List<BlockVolume.Extent> extents(long offset, long length) {
        check(offset, length);
        List<BlockVolume.Extent> out = new ArrayList<>();
        if (length == 0) return out;
        long end = offset + length;
        long u0 = offset / unit;
        long u1 = (end - 1) / unit;
        TreeMap<Long, Boolean> unflushed = new TreeMap<>();
        if (u1 - u0 < overlay.size()) {
            // a short range (what an initiator asks before a read) of a volume with many unflushed units
            for (long u = u0; u <= u1; u++) {
                Mapping m = overlay.get(u);
                if (m != null) unflushed.put(u, m.mapped());
            }
        } else {
            for (Map.Entry<Long, Mapping> e : overlay.entrySet()) {
                long u = e.getKey();
                if (u >= u0 && u <= u1) unflushed.put(u, e.getValue().mapped());
            }
        }
        long pos = offset; // [offset, pos) is in out
        long runStart = -1; // first unit of the mapped run being gathered, -1 if none
        long runEnd = -1; // and its last
        var pending = unflushed.entrySet().iterator();
        Map.Entry<Long, Boolean> next = pending.hasNext() ? pending.next() : null;
        try (Scanner sc = engine.meta.scan(Family.BLOCKS, Keys.id(entryId))) {
            sc.seek(Keys.id2(entryId, u0));
            while (true) {
                long stored = sc.valid() ? Keys.longAt(sc.key(), 8) : Long.MAX_VALUE;
                if (stored > u1) stored = Long.MAX_VALUE;
                long over = next != null ? next.getKey() : Long.MAX_VALUE;
                long u = Math.min(stored, over);
                if (u == Long.MAX_VALUE) break;
                boolean mapped = u == over ? next.getValue() : true; // the overlay is newer than the map
                if (u == stored) sc.advance();
                if (u == over) next = pending.hasNext() ? pending.next() : null;
                if (!mapped) continue;
                if (runStart >= 0 && runEnd == u - 1) {
                    runEnd = u;
                    continue;
                }
                if (runStart >= 0) pos = addRun(out, pos, offset, end, runStart, runEnd);
                runStart = u;
                runEnd = u;
            }
        }
        if (runStart >= 0) pos = addRun(out, pos, offset, end, runStart, runEnd);
        if (pos < end) out.add(new BlockVolume.Extent(pos, end - pos, false));
        return out;
    }

    /** Adds the unmapped gap before mapped units [first, last] and their extent, cut to [offset, end). */
    private long addRun(List<BlockVolume.Extent> out, long pos, long offset, long end, long first, long last) {
        long from = Math.max(offset, first * unit);
        long to = Math.min(end, (last + 1) * unit);
        if (from > pos) out.add(new BlockVolume.Extent(pos, from - pos, false));
        out.add(new BlockVolume.Extent(from, to - from, true));
        return to;
    }

    void flush() {
        // the entry's lock first (as resize, delete and copy take it): a delete or replace of this entry
        // is then either before (deleted is set) or after, never between its reads and this batch
        underEntryLock(this::flushLocked);
    }

    /**
     * Runs {@code r} holding the entry lock of the volume's current name. A rename holds the locks of both
     * names while it changes {@link #name}, so the name seen under its lock stays until it is released.
     */
    private void underEntryLock(Runnable r) {
        while (true) {
            String n = name;
            synchronized (engine.entryLock(container.id(), n)) {
                if (n.equals(name)) {
                    r.run();
                    return;
                }
            }
        }
    }

    private void flushLocked() {
        io.writeLock().lock();
        try {
            if (deleted) {
                // the dropped writes' references go with them: left noted, every clean would keep their
                // chunks as a writer's uncommitted ones until the last handle of the deleted volume closed
                overlay.clear();
                session.committed();
                session.releaseContainer();
                return;
            }
            if (overlay.isEmpty()) return;
            Map<Long, Mapping> snap = new TreeMap<>(overlay);
            session.makeChunksDurable();
            List<byte[]> keys = new ArrayList<>(snap.size());
            for (long u : snap.keySet()) keys.add(Keys.id2(entryId, u));
            List<byte[]> old = engine.meta.multiGet(Family.BLOCKS, keys);
            long mappedDelta = 0;
            try (WriteBatch b = engine.meta.batch()) {
                int i = 0;
                for (Map.Entry<Long, Mapping> e : snap.entrySet()) {
                    boolean was = old.get(i) != null;
                    byte[] key = keys.get(i++);
                    Mapping m = e.getValue();
                    if (m.mapped()) b.put(engine.meta.cf(Family.BLOCKS), key, m.fp().bytes());
                    else if (was) b.delete(engine.meta.cf(Family.BLOCKS), key);
                    mappedDelta += (m.mapped() ? unitBytes(e.getKey()) : 0) - (was ? unitBytes(e.getKey()) : 0);
                }
                Counters.add(b, engine.meta, GroupCounters.volumeMapped(entryId), mappedDelta);
                Counters.add(b, engine.meta, GroupCounters.containerLogical(container.id()), mappedDelta);
                engine.meta.write(b, true);
            } catch (RocksDBException e) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "flush of " + describe() + " failed", e);
            }
            overlay.clear();
            session.committed();
            // the container goes back to the store: held by an open volume, the chunks its overwrites and
            // unmaps left dead in it could not be reclaimed until it filled up or the volume closed
            session.releaseContainer();
        } finally {
            io.writeLock().unlock();
        }
    }

    private long unitBytes(long u) {
        return unitBytes(u, size);
    }

    /** Bytes of unit {@code u} inside a volume of {@code volumeSize} bytes. */
    private long unitBytes(long u, long volumeSize) {
        return Math.max(0, Math.min(unit, volumeSize - u * unit));
    }

    void resize(long newSize) {
        // the entry's lock first, as a delete or copy of the entry takes it, then the block map's
        underEntryLock(() -> resizeLocked(newSize));
    }

    /**
     * All under the write lock, so no write lands between zeroing the cut unit's tail, flushing and
     * dropping the units past the new size (a write there would come back when the volume grows again);
     * writes that passed their range check before then find the range gone (see {@link #apply}).
     */
    private void resizeLocked(long newSize) {
        if (newSize <= 0 || newSize % blockSize != 0) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "new size of " + describe() + " must be a positive multiple of " + blockSize);
        }
        io.writeLock().lock();
        try {
            check(0, 0);
            long firstDropped = (newSize + unit - 1) / unit;
            if (newSize < size && newSize % unit != 0) {
                // the unit the new end cuts: its bytes past the end become zeros (apply may take the read
                // lock while this thread holds the write lock)
                apply(newSize, null, true, (int) (Math.min(size, firstDropped * unit) - newSize));
            }
            flushLocked();
            try (WriteBatch b = engine.meta.batch()) {
                long delta = 0;
                if (newSize < size) {
                    try (Scanner sc = engine.meta.scan(Family.BLOCKS, Keys.id(entryId))) {
                        sc.seek(Keys.id2(entryId, firstDropped));
                        while (sc.valid()) {
                            delta -= unitBytes(Keys.longAt(sc.key(), 8));
                            sc.advance();
                        }
                    }
                    b.deleteRange(engine.meta.cf(Family.BLOCKS), Keys.id2(entryId, firstDropped), Keys.id(entryId + 1));
                }
                // a mapped unit counts its bytes inside the volume: the last unit kept holds more or fewer now
                long edge = (Math.min(size, newSize) - 1) / unit;
                if (engine.meta.get(Family.BLOCKS, Keys.id2(entryId, edge)) != null) {
                    delta += unitBytes(edge, newSize) - unitBytes(edge, size);
                }
                Counters.add(b, engine.meta, GroupCounters.volumeMapped(entryId), delta);
                Counters.add(b, engine.meta, GroupCounters.containerLogical(container.id()), delta);
                container.putVolumeSize(b, name, entryId, newSize);
                engine.meta.write(b, true);
                size = newSize;
            } catch (RocksDBException e) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "resize of " + describe() + " failed", e);
            }
        } finally {
            io.writeLock().unlock();
        }
    }

    void closeSession() {
        session.close();
    }
}
