package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.engine.chunking.FastCdc;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.crypto.DataKey;
import dev.cistern.engine.meta.GroupRecord;
import dev.cistern.engine.store.ChunkLocation;
import dev.cistern.engine.store.ChunkStore;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A storage group at run time: its record, key, chunk store, caches and space counters. */
final class GroupState {
    volatile GroupRecord record;
    volatile DataKey key;
    final ChunkStore store;
    final LocalityCache cache;
    final ReferenceTracker tracker = new ReferenceTracker();
    /** New chunks being written right now, so two writers of the same new chunk store it once. */
    final ConcurrentHashMap<Fingerprint, CompletableFuture<ChunkLocation>> inflight = new ConcurrentHashMap<>();
    final AtomicLong uniqueBytes = new AtomicLong();
    final AtomicLong storedBytes = new AtomicLong();
    final AtomicLong chunkCount = new AtomicLong();
    /** Quota bytes that writes under way have reserved and not yet counted in {@link #storedBytes}. */
    final AtomicLong quotaReserved = new AtomicLong();
    volatile FastCdc chunker;

    GroupState(GroupRecord record, ChunkStore store, int localityContainers) {
        this.record = record;
        this.cache = new LocalityCache(localityContainers);
        this.store = store;
        this.chunker = new FastCdc(record.chunking());
    }

    long id() {
        return record.id();
    }

    String name() {
        return record.name();
    }

    boolean encrypted() {
        return record.wrappedKey() != null;
    }

    /** The key to write with: null for unencrypted groups; LOCKED if encrypted and not unlocked. */
    DataKey writeKey() {
        if (!encrypted()) return null;
        DataKey k = key;
        if (k == null) {
            throw new EngineException(EngineException.Reason.LOCKED, "storage group '" + name()
                    + "' is encrypted and locked: unlock it with its passphrase first");
        }
        return k;
    }

    StorageGroupInfo info() {
        GroupRecord r = record;
        return new StorageGroupInfo(r.id(), r.name(), r.compression(), r.quotaBytes(), r.chunking(),
                r.wrappedKey() != null, r.wrappedKey() != null && key == null, Instant.ofEpochMilli(r.createdMillis()));
    }
}
