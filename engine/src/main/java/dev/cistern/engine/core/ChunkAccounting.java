package dev.cistern.engine.core;

import dev.cistern.engine.meta.Counters;
import org.rocksdb.WriteBatch;

/** Takes a chunk record off the space counters of its group and owner container (recovery, cleaner). */
final class ChunkAccounting {
    private ChunkAccounting() {
    }

    static void remove(LocalEngine engine, WriteBatch b, ContainerChunk c) {
        long raw = c.location().rawLength();
        long rec = c.location().storedLength();
        Counters.add(b, engine.meta, GroupCounters.unique(c.groupId()), -raw);
        Counters.add(b, engine.meta, GroupCounters.stored(c.groupId()), -rec);
        Counters.add(b, engine.meta, GroupCounters.chunks(c.groupId()), -1);
        Counters.add(b, engine.meta, GroupCounters.containerUnique(c.ownerContainerId()), -raw);
        Counters.add(b, engine.meta, GroupCounters.containerStored(c.ownerContainerId()), -rec);
        Counters.add(b, engine.meta, GroupCounters.containerChunks(c.ownerContainerId()), -1);
    }
}
