package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.engine.chunking.ChunkIds;
import dev.cistern.engine.chunking.FastCdc;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.crypto.DataKey;
import dev.cistern.engine.crypto.GroupKeys;
import dev.cistern.engine.meta.GroupRecord;
import dev.cistern.engine.store.ChunkLocation;
import dev.cistern.engine.store.ChunkStore;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A storage group at run time: its record, keys, chunk store, caches and space counters. A group with
 * keyed chunk ids has no id function nor chunker until unlocked: {@link #unlock} sets them before the data
 * key, so whoever sees the data key set sees them too.
 */
final class GroupState {
    volatile GroupRecord record;
    volatile DataKey key;
    /** How chunks get their ids: plain SHA-256, or keyed once unlocked (null until then). */
    private volatile ChunkIds ids;
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
    /** Null for a group with keyed ids until unlocked: its gear table comes from its chunker key. */
    private volatile FastCdc chunker;

    GroupState(GroupRecord record, ChunkStore store, int localityContainers) {
        this.record = record;
        this.cache = new LocalityCache(localityContainers);
        this.store = store;
        if (!keyedIds()) {
            this.ids = ChunkIds.PLAIN;
            this.chunker = new FastCdc(record.chunking());
        }
    }

    boolean keyedIds() {
        return record.ids() == GroupRecord.ChunkIdScheme.KEYED;
    }

    /** Takes the group's unwrapped keys: ids and chunker first, the data key last (see the class comment). */
    void unlock(GroupKeys keys) {
        if (keys.keyedIds()) {
            ids = ChunkIds.keyed(keys.idKey());
            chunker = new FastCdc(record.chunking(), FastCdc.keyedGear(keys.chunkerKey()));
        }
        key = new DataKey(keys.dataKey(), keyedIds()); // keyed groups came with header-bound records
    }

    /** The chunk id function; LOCKED for a group with keyed ids not unlocked. */
    ChunkIds ids() {
        ChunkIds i = ids;
        if (i == null) throw locked();
        return i;
    }

    /** The chunk id function, or null while it needs a key the group has not been unlocked with. */
    ChunkIds idsIfUnlocked() {
        return ids;
    }

    /** The chunker; LOCKED for a group with keyed ids not unlocked. */
    FastCdc chunker() {
        FastCdc c = chunker;
        if (c == null) throw locked();
        return c;
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
        if (k == null) throw locked();
        return k;
    }

    private EngineException locked() {
        return new EngineException(EngineException.Reason.LOCKED, "storage group '" + name()
                + "' is encrypted and locked: unlock it with its passphrase first");
    }

    StorageGroupInfo info() {
        GroupRecord r = record;
        return new StorageGroupInfo(r.id(), r.name(), r.compression(), r.quotaBytes(), r.chunking(),
                r.wrappedKey() != null, r.wrappedKey() != null && key == null,
                keyedIds() ? dev.cistern.engine.ChunkIdScheme.KEYED_HMAC_SHA256 : dev.cistern.engine.ChunkIdScheme.SHA256,
                Instant.ofEpochMilli(r.createdMillis()));
    }
}
