package dev.cistern.engine.core;

import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * A stream's recipe as stored: segment records of up to {@link #MAX_STEPS} steps that follow each
 * other without a gap. Key entry id | offset of the segment's first step; value (fingerprint |
 * length) per step. A step's offset is its segment's plus the lengths before it.
 *
 * <p>Why segments and not a record per step: a backup stream writes about 128 steps per MiB, and a
 * key per step cost one RocksDB put per chunk on ingest (the biggest metadata cost of re-ingesting
 * stored data), one key per chunk to scan on restore and clean. A segment is still small, so a read
 * or a rewrite at a random offset decodes one or two segments, never the whole recipe, and a
 * rewrite splits the segments at its edges, replacing only the steps it covers. A record of one
 * step (the format before segments) is simply a segment of one.
 */
final class Recipe {
    /** Bytes of one step in a segment's value. */
    static final int STEP_BYTES = Fingerprint.LENGTH + 4;
    /** Steps per segment at most: a value of 9 KiB, two or three MiB of stream. */
    static final int MAX_STEPS = 256;

    private Recipe() {
    }

    static byte[] key(long entryId, long offset) {
        return Keys.id2(entryId, offset);
    }

    /** Number of steps in a segment record's value. */
    static int steps(byte[] value) {
        return value.length / STEP_BYTES;
    }

    /** The fingerprint of step {@code i} of a segment record's value. */
    static Fingerprint fingerprintAt(byte[] value, int i) {
        return Fingerprint.read(value, i * STEP_BYTES);
    }

    /** The first 8 bytes of step {@code i}'s fingerprint (what the cleaner's live set holds). */
    static long prefixAt(byte[] value, int i) {
        return Keys.longAt(value, i * STEP_BYTES);
    }

    /**
     * Puts {@code steps} (in offset order) into {@code b} as segments: a new segment starts after
     * {@link #MAX_STEPS} steps and wherever a step does not start at the end of the one before (a hole).
     */
    static void put(WriteBatch b, MetaStore meta, long entryId, List<RecipeRecord> steps) throws RocksDBException {
        int from = 0;
        while (from < steps.size()) {
            int to = from + 1;
            while (to < steps.size() && to - from < MAX_STEPS && steps.get(to).offset() == steps.get(to - 1).end()) to++;
            ByteBuffer value = ByteBuffer.allocate((to - from) * STEP_BYTES);
            for (int i = from; i < to; i++) value.put(steps.get(i).fingerprint().bytes()).putInt(steps.get(i).length());
            b.put(meta.cf(Family.RECIPES), key(entryId, steps.get(from).offset()), value.array());
            from = to;
        }
    }

    /**
     * Replaces the steps of entry {@code entryId} in [{@code start}, {@code dropEnd}) with
     * {@code newSteps}, in {@code b}. Both ends must fall between steps or in a hole (a rewrite
     * widens its region to whole steps first). Segments reaching over either end are split: the
     * steps outside the range are put back under their own keys.
     */
    static void replace(WriteBatch b, MetaStore meta, long entryId, long start, long dropEnd, List<RecipeRecord> newSteps)
            throws RocksDBException {
        List<RecipeRecord> kept = new ArrayList<>();
        try (Steps s = new Steps(meta, entryId)) {
            s.seek(start);
            // the segment holding start, if it began before it, and every segment starting inside the range
            for (byte[] segKey = s.segmentKey(); segKey != null; segKey = s.segmentKey()) {
                long segStart = Keys.longAt(segKey, 8);
                if (segStart >= dropEnd) break;
                List<RecipeRecord> head = new ArrayList<>();
                for (RecipeRecord r : s.segment()) {
                    if (r.end() <= start) head.add(r);
                    else if (r.offset() >= dropEnd) kept.add(r);
                }
                if (segStart < start) {
                    // the segment's key stays outside the deleted range: rewrite it as its head only
                    b.delete(meta.cf(Family.RECIPES), segKey);
                    put(b, meta, entryId, head);
                }
                if (!s.nextSegment()) break;
            }
        }
        b.deleteRange(meta.cf(Family.RECIPES), key(entryId, start), key(entryId, dropEnd));
        put(b, meta, entryId, newSteps);
        put(b, meta, entryId, kept);
    }

    /**
     * Reads an entry's steps in order, from a seek position on. Decodes one segment at a time, so a
     * huge entry's recipe is never in memory. Close it.
     */
    static final class Steps implements AutoCloseable {
        private final Scanner sc;
        private final long entryId;
        private final List<RecipeRecord> segment = new ArrayList<>(MAX_STEPS);
        private int next;
        private boolean positioned;

        Steps(MetaStore meta, long entryId) {
            this.sc = meta.scan(Family.RECIPES, Keys.id(entryId));
            this.entryId = entryId;
        }

        Steps(MetaStore meta, long entryId, org.rocksdb.Snapshot snapshot) {
            this.sc = meta.scan(Family.RECIPES, Keys.id(entryId), snapshot);
            this.entryId = entryId;
        }

        /** Positions so that {@link #next} returns the step holding {@code offset}, or the first one after it. */
        void seek(long offset) {
            sc.seekForPrev(key(entryId, offset));
            if (!sc.valid()) sc.seek(key(entryId, offset));
            positioned = true;
            load();
            while (next < segment.size() && segment.get(next).end() <= offset) next++;
            if (next == segment.size() && nextSegment()) {
                // offset lies in a hole after the segment found: the next segment starts after it
                next = 0;
            }
        }

        /** The next step, or null after the entry's last one. Without a seek, starts at the first step. */
        RecipeRecord next() {
            if (!positioned) {
                positioned = true;
                if (sc.next()) load();
            }
            while (next == segment.size()) {
                if (!nextSegment()) return null;
            }
            return segment.get(next++);
        }

        /** Key of the current segment record, or null past the end. */
        private byte[] segmentKey() {
            return sc.valid() ? sc.key() : null;
        }

        /** The steps of the current segment. */
        private List<RecipeRecord> segment() {
            return segment;
        }

        /** Moves to the next segment record; false past the entry's last. */
        private boolean nextSegment() {
            if (!sc.valid() || !sc.advance()) {
                segment.clear();
                next = 0;
                return false;
            }
            load();
            return true;
        }

        private void load() {
            segment.clear();
            next = 0;
            if (!sc.valid()) return;
            byte[] v = sc.value();
            long offset = Keys.longAt(sc.key(), 8);
            for (int i = 0, n = steps(v); i < n; i++) {
                int length = Keys.intAt(v, i * STEP_BYTES + Fingerprint.LENGTH);
                segment.add(new RecipeRecord(offset, fingerprintAt(v, i), length));
                offset += length;
            }
        }

        @Override
        public void close() {
            sc.close();
        }
    }
}
