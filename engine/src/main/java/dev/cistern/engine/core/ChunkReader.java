package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.store.ChunkLocation;
import dev.cistern.engine.store.ChunkRecord;

/**
 * Reads chunks by fingerprint. A location hint (from a volume's unflushed map or the locality cache)
 * is tried first; if the cleaner has moved the chunk since, the index gives its new home.
 */
final class ChunkReader {
    private final MetaStore meta;

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
     * Reads the records of {@code locs[from..to)}, contiguous in one container, with one read; null if
     * that is not possible (the cleaner moved them), and {@link #decodeInto} then reads them one by one.
     */
    byte[] readRun(GroupState g, ChunkLocation[] locs, int from, int to) {
        ChunkLocation first = locs[from];
        ChunkLocation last = locs[to - 1];
        int length = last.offset() + last.recordLength() - first.offset();
        try {
            return g.store.readRecord(new ChunkLocation(first.containerId(), first.offset(), length - ChunkRecord.HEADER, 0));
        } catch (EngineException e) {
            return null;
        }
    }

    /**
     * Decodes chunk {@code fp} of raw length {@code rawLength} into {@code dst[dstOff..]}: from
     * {@code run[recOff..]} as read by {@link #readRun}, or, if that fails (no run, or the cleaner moved
     * the chunk meanwhile), reading it again through the index.
     */
    void decodeInto(GroupState g, Fingerprint fp, ChunkLocation loc, int rawLength, byte[] run, int recOff,
                    byte[] dst, int dstOff) {
        if (run != null && ChunkRecord.rawLength(run, recOff) == rawLength) {
            try {
                ChunkRecord.decodeInto(run, recOff, fp, g.key, () -> describe(g, fp, loc), dst, dstOff);
                return;
            } catch (EngineException e) {
                if (e.reason() == EngineException.Reason.LOCKED) throw e;
                // fall through: re-resolve, the cleaner may have moved it
            }
        }
        byte[] data = read(g, fp, loc);
        if (data.length != rawLength) {
            throw new EngineException(EngineException.Reason.DAMAGED, describe(g, fp, loc) + " has " + data.length
                    + " bytes where its recipe says " + rawLength + "; run verify to list affected entries");
        }
        System.arraycopy(data, 0, dst, dstOff, rawLength);
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

    /** Locations of the chunks of {@code steps}: locality cache first, then one multi-get of the index. */
    ChunkLocation[] locateAll(GroupState g, java.util.List<RecipeRecord> steps) {
        Fingerprint[] fps = new Fingerprint[steps.size()];
        for (int i = 0; i < fps.length; i++) fps[i] = steps.get(i).fingerprint();
        ChunkLocation[] out = new ChunkLocation[fps.length];
        IndexLookup.locate(meta, g, fps, fps.length, out, i -> { });
        for (int i = 0; i < out.length; i++) if (out[i] == null) throw missing(g, fps[i]);
        return out;
    }

    private ChunkLocation lookupIndex(GroupState g, Fingerprint fp) {
        byte[] v = meta.get(Family.INDEX, DedupStore.indexKey(g.id(), fp));
        return v == null ? null : ChunkLocation.decode(v);
    }

    private static byte[] decode(GroupState g, Fingerprint fp, ChunkLocation loc) {
        byte[] rec = g.store.readRecord(loc);
        return ChunkRecord.decode(rec, 0, fp, g.key, describe(g, fp, loc));
    }

    private static EngineException missing(GroupState g, Fingerprint fp) {
        return new EngineException(EngineException.Reason.DAMAGED, "chunk " + fp + " of storage group '" + g.name()
                + "' is missing; run verify to list affected entries");
    }
}
