package dev.cistern.engine.core;

import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.meta.EntryRecord;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Entries left in a container after it was deleted, which the cleaner drops.
 *
 * <p>{@link LocalEngine#deleteContainer} deletes the entries it finds, then the container record. A
 * writer that was open on the container (an S3 PUT into a bucket deleted through the REST API, say)
 * can still commit after its page was scanned: its entry then sits under a container id nothing
 * lists, reads or deletes, with its recipe or block map and a logical-bytes counter, for good. The
 * cleaner's mark sees every entry of its snapshot and notes those whose container is gone
 * ({@link #note}); a container being deleted still has its record, so its entries are not taken.
 * After the sweep they are dropped ({@link #drop}), each under its entry lock and only if it is still
 * the same entry, as a delete would. Their chunks were never marked live, so the sweep already took
 * them (a writer still busy keeps its chunks through the tracker and fails once its entry is gone).
 */
final class DeletedContainerEntries {
    private record Left(byte[] key, long entryId) {
    }

    private final List<Left> left = new ArrayList<>();

    /** Notes the entry at ENTRIES key {@code key}, whose container no longer exists. */
    void note(byte[] key, long entryId) {
        left.add(new Left(key.clone(), entryId));
    }

    /** Drops the noted entries still there; returns how many. */
    int drop(LocalEngine engine) throws RocksDBException {
        int n = 0;
        for (Left l : left) {
            long containerId = Keys.longAt(l.key(), 0);
            String name = Keys.nameAt(l.key(), 8);
            synchronized (engine.entryLock(containerId, name)) {
                byte[] v = engine.meta.get(Family.ENTRIES, l.key());
                if (v == null) continue;
                EntryRecord e = EntryRecord.decode(v);
                if (e.entryId() != l.entryId()) continue;
                try (WriteBatch b = engine.meta.batch()) {
                    b.delete(engine.meta.cf(Family.ENTRIES), l.key());
                    LocalContainerHandle.deleteEntryData(engine, b, e.entryId());
                    if (e.kind() == EntryInfo.Kind.VOLUME) {
                        b.delete(engine.meta.cf(Family.COUNTERS), GroupCounters.volumeMapped(e.entryId()));
                    }
                    b.delete(engine.meta.cf(Family.COUNTERS), GroupCounters.containerLogical(containerId));
                    engine.meta.write(b, true);
                }
                n++;
            }
        }
        left.clear();
        return n;
    }
}
