package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.store.ChunkLocation;
import dev.cistern.engine.store.ChunkRecord;

/**
 * Reads chunks by fingerprint. A location hint (from a volume's unflushed map or the locality cache)
 * is tried first; if the cleaner has moved the chunk since, the index gives its new home.
 */
final class ChunkReader {
    private final MetaStore meta;
    /** Frames decoded lately, engine-wide: enough for a few dozen readers going a block at a time. */
    private final FrameCache frames = new FrameCache(16L << 20);

    ChunkReader(MetaStore meta) {
        this.meta = meta;
    }

    byte[] read(GroupState g, Fingerprint fp, ChunkLocation hint) {
        ChunkLocation loc = hint != null ? hint : locate(g, fp);
        try {
            return decode(g, fp, loc);
        } catch (EngineException e) {
            if (e.reason() != EngineException.Reason.NOT_FOUND && e.reason() != EngineException.Reason.DAMAGED) throw e;
            ChunkLocation now = lookupIndex(g, fp);
            if (now == null || now.equals(loc)) {
                if (e.reason() == EngineException.Reason.NOT_FOUND) throw missing(g, fp);
                throw e;
            }
            return decode(g, fp, now);
        }
    }

    /**
     * Reads the records of {@code locs[from..to)}, contiguous in one container, with one read into
     * {@code buf} if it is large enough (else a new array); returns the array, or null if the read is not
     * possible (the cleaner moved them), and {@link #decodeInto} then reads them one by one.
     */
    byte[] readRun(GroupState g, ChunkLocation[] locs, int from, int to, byte[] buf) {
        ChunkLocation first = locs[from];
        ChunkLocation last = locs[to - 1];
        int length = last.offset() + last.recordLength() - first.offset();
        byte[] into = buf != null && buf.length >= length ? buf : new byte[length];
        try {
            g.store.readInto(new ChunkLocation(first.containerId(), first.offset(), length - ChunkRecord.HEADER, 0), into);
            return into;
        } catch (EngineException e) {
            return null;
        }
    }

    /**
     * Decodes chunk {@code fp} at {@code loc} into {@code dst[dstOff..]}: from {@code run[recOff..]} as
     * read by {@link #readRun}, or, if that fails (no run, or the cleaner moved the chunk meanwhile),
     * reading it again through the index.
     */
    void decodeInto(GroupState g, Fingerprint fp, ChunkLocation loc, byte[] run, int recOff, byte[] dst, int dstOff) {
        if (run != null && recOff + ChunkRecord.HEADER <= run.length) {
            try {
                decode(g, fp, loc, run, recOff, dst, dstOff);
                return;
            } catch (EngineException e) {
                if (e.reason() == EngineException.Reason.LOCKED) throw e;
                // fall through: re-resolve, the cleaner may have moved it
            }
        }
        byte[] data = read(g, fp, loc);
        System.arraycopy(data, 0, dst, dstOff, data.length);
    }

    /**
     * Restores take chunks in the order they were stored, so a frame's chunks usually follow each other
     * in the recipe: then the frame is decoded once, straight into the caller's array. Returns how many
     * recipe steps from {@code i} (within [{@code from}, {@code to})) that covered, 0 if steps
     * {@code i..} are not a whole frame in order inside [{@code start}, {@code end}) of the entry (the
     * caller then decodes chunk by chunk, which also handles every failure).
     */
    int decodeWholeFrame(GroupState g, java.util.List<RecipeRecord> steps, ChunkLocation[] locs, int i, int to,
                         byte[] run, int recOff, long start, long end, byte[] dst, int dstOff) {
        if (run == null || recOff + ChunkRecord.HEADER > run.length || !ChunkRecord.isFrame(run, recOff)
                || locs[i].rawOffset() != 0) {
            return 0;
        }
        int frameRaw = ChunkRecord.rawLength(run, recOff);
        int covered = 0;
        int j = i;
        for (; j < to && covered < frameRaw; j++) {
            RecipeRecord r = steps.get(j);
            ChunkLocation l = locs[j];
            boolean inOrder = l.sameRecord(locs[i])
                    && l.rawOffset() == covered && l.rawLength() == r.length()
                    && r.offset() == steps.get(i).offset() + covered && r.offset() >= start && r.end() <= end;
            if (!inOrder) return 0;
            covered += r.length();
        }
        if (covered != frameRaw) return 0;
        try {
            java.util.function.Supplier<String> what = () -> describe(g, steps.get(i).fingerprint(), locs[i]);
            ChunkRecord.checkRecord(run, recOff, what);
            for (int k = i; k < j; k++) {
                if (!ChunkRecord.holds(run, recOff, steps.get(k).fingerprint(), locs[k].rawOffset(), locs[k].rawLength())) return 0;
            }
            ChunkRecord.decodeRaw(run, recOff, g.encrypted(), g.key, what, dst, dstOff);
            return j - i;
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.LOCKED) throw e;
            return 0;
        }
    }

    /**
     * Decodes chunk {@code fp} at {@code loc} from its record at {@code rec[recOff..]} into
     * {@code dst[dstOff..]}. A frame is decoded whole, once, and kept in the frame cache.
     */
    private void decode(GroupState g, Fingerprint fp, ChunkLocation loc, byte[] rec, int recOff, byte[] dst, int dstOff) {
        decode(g, fp, loc, rec, recOff, dst, dstOff, cachedFrame(g, loc));
    }

    /** The decoded frame at {@code loc} if the cache has it and may be used (not for a locked group). */
    private FrameCache.Frame cachedFrame(GroupState g, ChunkLocation loc) {
        return g.encrypted() && g.key == null ? null : frames.get(loc.containerId(), loc.offset());
    }

    /** As above, with the cache already consulted: {@code f} is the frame, or null and {@code rec} the whole record. */
    private void decode(GroupState g, Fingerprint fp, ChunkLocation loc, byte[] rec, int recOff, byte[] dst, int dstOff,
                        FrameCache.Frame cached) {
        java.util.function.Supplier<String> what = () -> describe(g, fp, loc);
        boolean cacheable = !g.encrypted() || g.key != null;
        FrameCache.Frame f = cached;
        if (f == null) {
            ChunkRecord.checkRecord(rec, recOff, what);
            if (!ChunkRecord.isFrame(rec, recOff)) {
                ChunkRecord.decodeChunk(rec, recOff, fp, loc.rawOffset(), loc.rawLength(), g.encrypted(), g.key, what, dst, dstOff);
                return;
            }
            byte[] raw = new byte[ChunkRecord.rawLength(rec, recOff)];
            ChunkRecord.decodeRaw(rec, recOff, g.encrypted(), g.key, what, raw, 0);
            int headLength = ChunkRecord.HEADER + ChunkRecord.chunkCount(rec, recOff) * ChunkRecord.TABLE_ENTRY;
            f = new FrameCache.Frame(java.util.Arrays.copyOfRange(rec, recOff, recOff + headLength), raw);
            if (cacheable) frames.put(loc.containerId(), loc.offset(), f);
        }
        if (!ChunkRecord.holds(f.head(), 0, fp, loc.rawOffset(), loc.rawLength())) {
            throw ChunkRecord.damaged(what.get(), "holds a different chunk than the index says");
        }
        System.arraycopy(f.raw(), loc.rawOffset(), dst, dstOff, loc.rawLength());
    }

    private static String describe(GroupState g, Fingerprint fp, ChunkLocation loc) {
        return "chunk " + fp + " in chunk container " + Long.toHexString(loc.containerId()) + " of storage group '"
                + g.name() + "'";
    }

    ChunkLocation locate(GroupState g, Fingerprint fp) {
        ChunkLocation loc = g.cache.get(fp);
        if (loc == null) loc = lookupIndex(g, fp);
        if (loc == null) throw missing(g, fp);
        return loc;
    }

    /** Locations of chunks {@code fps}: locality cache first, then one multi-get of the index. */
    ChunkLocation[] locateAll(GroupState g, Fingerprint[] fps) {
        ChunkLocation[] out = new ChunkLocation[fps.length];
        IndexLookup.locate(meta, g, fps, fps.length, out);
        for (int i = 0; i < out.length; i++) if (out[i] == null) throw missing(g, fps[i]);
        return out;
    }

    private ChunkLocation lookupIndex(GroupState g, Fingerprint fp) {
        return IndexLookup.lookup(meta, g, fp);
    }

    private byte[] decode(GroupState g, Fingerprint fp, ChunkLocation loc) {
        byte[] raw = new byte[loc.rawLength()];
        FrameCache.Frame f = cachedFrame(g, loc);
        decode(g, fp, loc, f != null ? null : g.store.readRecord(loc), 0, raw, 0, f);
        return raw;
    }

    private static EngineException missing(GroupState g, Fingerprint fp) {
        return new EngineException(EngineException.Reason.DAMAGED, "chunk " + fp + " of storage group '" + g.name()
                + "' is missing; run verify to list affected entries");
    }
}
