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

    ChunkLocation locate(GroupState g, Fingerprint fp) {
        ChunkLocation loc = g.cache.get(fp);
        if (loc == null) loc = lookupIndex(g, fp);
        if (loc == null) throw missing(g, fp);
        return loc;
    }

    private ChunkLocation lookupIndex(GroupState g, Fingerprint fp) {
        byte[] v = meta.get(Family.INDEX, DedupStore.indexKey(g.id(), fp));
        return v == null ? null : ChunkLocation.decode(v);
    }

    private static byte[] decode(GroupState g, Fingerprint fp, ChunkLocation loc) {
        byte[] rec = g.store.readRecord(loc);
        return ChunkRecord.decode(rec, 0, fp, g.key, "chunk " + fp + " in chunk container "
                + Long.toHexString(loc.containerId()) + " of storage group '" + g.name() + "'");
    }

    private static EngineException missing(GroupState g, Fingerprint fp) {
        return new EngineException(EngineException.Reason.DAMAGED, "chunk " + fp + " of storage group '" + g.name()
                + "' is missing; run verify to list affected entries");
    }
}
