package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.Progress;
import dev.cistern.engine.VerifyReport;
import dev.cistern.engine.chunking.ChunkIds;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.ContainerRecord;
import dev.cistern.engine.meta.EntryRecord;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import dev.cistern.engine.store.ChunkLocation;
import dev.cistern.engine.store.ChunkRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Re-reads every indexed chunk: record checksum, then (when the group's key is loaded or the group is
 * not encrypted) decryption, decompression and the chunk's id (its SHA-256, or the keyed id of a group
 * with keyed ids, which needs the group's id key as much as decryption needs its data key). Then walks every recipe and
 * block map and names each entry that references a damaged or missing chunk. Cancelling
 * ({@link Progress#cancelled()}) is checked between chunks and entries; a cancelled verify throws instead
 * of returning a report, so it never names as damaged, nor passes as sound, what it did not check.
 */
final class Verifier {
    private final LocalEngine engine;
    private Progress progress = Progress.NONE;
    private long containers;
    private long totalContainers;
    private long chunks;
    private long damagedSoFar;
    /** Chunks of locked groups: checksummed, not decrypted and fingerprinted. */
    private long checksumOnly;

    Verifier(LocalEngine engine) {
        this.engine = engine;
    }

    VerifyReport run(Progress progress) {
        this.progress = progress;
        long t0 = System.nanoTime();
        long bytes = 0;
        Set<String> damagedContainers = new TreeSet<>();
        Set<String> damagedEntries = new TreeSet<>();
        long total = 0;
        for (GroupState g : engine.groups.values()) total += g.storedBytes.get();
        Map<GroupState, List<ChunkContainerState>> byGroup = new LinkedHashMap<>();
        for (GroupState g : engine.groups.values()) {
            List<ChunkContainerState> states = new ArrayList<>();
            try (Scanner sc = engine.meta.scan(Family.CHUNK_CONTAINERS, Keys.id(g.id()))) {
                while (sc.next()) states.add(ChunkContainerState.decode(sc.key(), sc.value()));
            }
            byGroup.put(g, states);
            totalContainers += states.size();
        }
        long damagedChunks = 0;
        for (var en : byGroup.entrySet()) {
            GroupState g = en.getKey();
            Set<Fingerprint> damaged = new HashSet<>();
            for (ChunkContainerState s : en.getValue()) {
                stopIfCancelled();
                boolean bad = false;
                try (Scanner sc = engine.meta.scan(Family.CONTAINER_CHUNKS, Keys.id2(g.id(), s.containerId()))) {
                    while (sc.next()) {
                        ContainerChunk c = ContainerChunk.decode(sc.key(), sc.value());
                        if (!indexed(g, c)) continue;
                        chunks++;
                        if (locked(g)) checksumOnly++;
                        bytes += c.location().storedLength();
                        if (!chunkOk(g, c) && !movedAndOk(g, c)) {
                            if (damaged.add(c.fingerprint())) damagedSoFar++;
                            bad = true;
                        }
                        if (chunks % 256 == 0) {
                            progress.update(bytes, total, "chunks");
                            stopIfCancelled();
                        }
                    }
                }
                containers++;
                if (bad) damagedContainers.add(g.name() + "/" + Long.toHexString(s.containerId()));
            }
            damagedChunks += damaged.size();
            if (!damaged.isEmpty()) findEntries(g, damaged, damagedEntries);
            findDangling(g, damagedEntries);
        }
        progress.update(bytes, Math.max(bytes, total), "chunks");
        return new VerifyReport(containers, chunks, bytes, damagedChunks, List.copyOf(damagedContainers),
                List.copyOf(damagedEntries), checksumOnly, Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Throws CANCELLED, saying what was checked, once the caller asked to stop. */
    private void stopIfCancelled() {
        if (!progress.cancelled()) return;
        String found = damagedSoFar == 0 ? "no damage found so far"
                : damagedSoFar + " damaged chunk(s) found so far: run verify to completion to name the entries"
                        + " that reference them";
        throw new EngineException(EngineException.Reason.CANCELLED, "verify cancelled after " + containers + " of "
                + totalContainers + " chunk containers (" + chunks + " chunks checked); " + found);
    }

    /**
     * Whether the group's chunks can be checked by checksum only: encrypted and not unlocked, so neither
     * decrypted nor (with keyed ids) hashed to their ids. Counted apart, never as damage.
     */
    private static boolean locked(GroupState g) {
        return g.encrypted() && g.key == null || g.idsIfUnlocked() == null;
    }

    private boolean indexed(GroupState g, ContainerChunk c) {
        return IndexLookup.indexedAt(engine.meta, g, c.fingerprint(), c.location());
    }

    /**
     * The record verified last, decoded, and the SHA-256 of each of its chunks: the chunks of a frame are
     * checked from one read, one decode and one batch of digests (two chunks at a time where the engine's
     * native hashing runs; see {@link Fingerprint#ofAll}).
     */
    private long lastContainer = -1;
    private int lastOffset = -1;
    private byte[] lastRecord;
    /** Raw offsets of the last record's chunks, ascending, and their digests; null while locked. */
    private int[] lastChunkOffsets;
    private Fingerprint[] lastDigests;
    /** Whether the last record's group was locked when it was read: its chunks are checked by checksum only. */
    private boolean lastChecksumOnly;
    /** Decoded bytes of records up to {@link #KEPT_RAW}, reused from record to record. */
    private byte[] raw = new byte[0];
    /** Frames are 256 or 512 KiB; a larger (odd or hostile) record gets an array of its own, not kept. */
    private static final int KEPT_RAW = 1 << 20;

    private boolean chunkOk(GroupState g, ContainerChunk c) {
        ChunkLocation loc = c.location();
        try {
            if (loc.containerId() != lastContainer || loc.offset() != lastOffset) {
                lastContainer = loc.containerId();
                lastOffset = loc.offset();
                lastRecord = null;
                lastDigests = null;
                byte[] rec = g.store.readRecord(loc);
                ChunkRecord.checkRecord(rec, 0, () -> "chunk");
                ChunkIds ids = g.idsIfUnlocked(); // read once, before the data key: the group may be unlocked meanwhile
                lastChecksumOnly = locked(g) || ids == null;
                ChunkRecord.checkEncryption(rec, 0, g.encrypted(), () -> "chunk"); // checked here for locked groups too
                if (!lastChecksumOnly) {
                    int rawLength = ChunkRecord.rawLength(rec, 0);
                    byte[] into = raw;
                    if (rawLength > KEPT_RAW) into = new byte[rawLength];
                    else if (raw.length < rawLength) into = raw = new byte[rawLength];
                    ChunkRecord.decodeRaw(rec, 0, g.encrypted(), g.key, () -> "chunk", into, 0);
                    digestChunks(rec, into, ids);
                }
                lastRecord = rec; // only once it checked (and decoded): a damaged record fails all its chunks
            }
            if (lastRecord == null || !ChunkRecord.holds(lastRecord, 0, c.fingerprint(), loc.rawOffset(), loc.rawLength())) {
                return false;
            }
            if (lastChecksumOnly) return true;
            int k = java.util.Arrays.binarySearch(lastChunkOffsets, loc.rawOffset());
            return k >= 0 && c.fingerprint().equals(lastDigests[k]);
        } catch (RuntimeException e) {
            // DAMAGED, or whatever else a damaged or hostile record makes a decoder throw: this chunk's
            // damage, not the end of the verify
            return false;
        }
    }

    /**
     * Hashes the chunks of the record just decoded into {@code raw}. {@link ChunkRecord#checkRecord} made
     * sure its table adds up: lengths above zero, summing to the decoded length.
     */
    private void digestChunks(byte[] rec, byte[] raw, ChunkIds ids) {
        int n = ChunkRecord.chunkCount(rec, 0);
        int[] off = new int[n];
        int[] len = new int[n];
        for (int k = 0, at = 0; k < n; k++) {
            off[k] = at;
            len[k] = ChunkRecord.chunkRawLength(rec, 0, k);
            at += len[k];
        }
        Fingerprint[] digests = new Fingerprint[n];
        ids.ofAll(raw, off, len, 0, n, digests);
        lastChunkOffsets = off;
        lastDigests = digests;
    }

    /**
     * A chunk that failed its check at the listed place may have been moved or reclaimed by a clean
     * running meanwhile (its old file deleted under the read): not damage if the index no longer has
     * it there and it checks out where the index has it now, or nowhere references it any more.
     */
    private boolean movedAndOk(GroupState g, ContainerChunk c) {
        ChunkLocation now = IndexLookup.lookup(engine.meta, g, c.fingerprint());
        if (now == null) return true; // reclaimed
        if (now.equals(c.location())) return false;
        return chunkOk(g, new ContainerChunk(g.id(), now, c.fingerprint(), c.ownerContainerId()));
    }

    /** Names the entries of group {@code g} whose recipe or block map references a damaged chunk. */
    private void findEntries(GroupState g, Set<Fingerprint> damaged, Set<String> out) {
        Set<Long> prefixes = new HashSet<>();
        for (Fingerprint f : damaged) prefixes.add(f.prefix());
        forEachEntry(g, (container, name, e) -> {
            Family f = e.kind() == dev.cistern.engine.EntryInfo.Kind.STREAM ? Family.RECIPES : Family.BLOCKS;
            try (Scanner sc = engine.meta.scan(f, Keys.id(e.entryId()))) {
                while (sc.next()) {
                    byte[] v = sc.value();
                    for (int i = 0, n = ChunkReferences.count(f, v); i < n; i++) {
                        int at = ChunkReferences.fingerprintOffset(f, i);
                        if (prefixes.contains(Keys.longAt(v, at)) && damaged.contains(Fingerprint.read(v, at))) {
                            out.add(container + "/" + name);
                            return;
                        }
                    }
                }
            }
        });
    }

    /**
     * Names entries referencing a fingerprint with no index entry at all (a lost chunk). Entries, their
     * recipes and the index are read as of one snapshot: an entry deleted meanwhile, and its chunks
     * reclaimed by a clean, is not taken for a lost one.
     */
    private void findDangling(GroupState g, Set<String> out) {
        org.rocksdb.Snapshot snap = engine.meta.snapshot();
        try (org.rocksdb.ReadOptions asOfSnap = new org.rocksdb.ReadOptions().setSnapshot(snap)) {
            forEachEntry(g, snap, (container, name, e) -> {
                Family f = e.kind() == dev.cistern.engine.EntryInfo.Kind.STREAM ? Family.RECIPES : Family.BLOCKS;
                try (Scanner sc = engine.meta.scan(f, Keys.id(e.entryId()), snap)) {
                    while (sc.next()) {
                        byte[] v = sc.value();
                        for (int i = 0, n = ChunkReferences.count(f, v); i < n; i++) {
                            Fingerprint fp = Fingerprint.read(v, ChunkReferences.fingerprintOffset(f, i));
                            // the index alone: a cached location is no proof the chunk is still indexed
                            if (engine.meta.get(Family.INDEX, DedupStore.indexKey(g.id(), fp), asOfSnap) == null) {
                                out.add(container + "/" + name);
                                return;
                            }
                        }
                    }
                }
            });
        } finally {
            engine.meta.releaseSnapshot(snap);
        }
    }

    private interface EntryVisitor {
        void visit(String container, String name, EntryRecord e);
    }

    private void forEachEntry(GroupState g, EntryVisitor v) {
        forEachEntry(g, null, v);
    }

    private void forEachEntry(GroupState g, org.rocksdb.Snapshot snap, EntryVisitor v) {
        for (ContainerRecord r : engine.containerRecords()) {
            if (r.groupId() != g.id()) continue;
            try (Scanner sc = snap == null ? engine.meta.scan(Family.ENTRIES, Keys.id(r.id()))
                    : engine.meta.scan(Family.ENTRIES, Keys.id(r.id()), snap)) {
                while (sc.next()) {
                    stopIfCancelled();
                    v.visit(r.name(), Keys.nameAt(sc.key(), 8), EntryRecord.decode(sc.value()));
                }
            }
        }
    }
}
