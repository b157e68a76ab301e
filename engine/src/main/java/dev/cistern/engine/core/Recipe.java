package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
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
    /** Steps per segment at most (a value of 9 KiB). A stream writer puts one per MiB it stores: about 128. */
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
    private static Fingerprint fingerprintAt(byte[] value, int i) {
        return Fingerprint.read(value, i * STEP_BYTES);
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
     * widens its region to whole steps first). Only the segments at the two ends are read: one
     * reaching over an end is split, and its steps outside the range are put back under their own
     * keys; the segments in between go with one range delete, however many there are.
     */
    static void replace(WriteBatch b, MetaStore meta, long entryId, long start, long dropEnd, List<RecipeRecord> newSteps)
            throws RocksDBException {
        List<RecipeRecord> head = new ArrayList<>();
        List<RecipeRecord> tail = new ArrayList<>();
        byte[] headKey = null;
        try (Scanner sc = meta.scan(Family.RECIPES, Keys.id(entryId))) {
            sc.seekForPrev(key(entryId, start));
            if (sc.valid() && Keys.longAt(sc.key(), 8) < start) {
                // the segment holding start began before it: its key stays, rewritten as its head only
                headKey = sc.key();
                split(stepsOf(sc.key(), sc.value()), start, dropEnd, head, tail);
            }
            if (dropEnd > start) {
                sc.seekForPrev(key(entryId, dropEnd - 1));
                if (sc.valid() && Keys.longAt(sc.key(), 8) >= start) {
                    split(stepsOf(sc.key(), sc.value()), start, dropEnd, head, tail);
                }
            }
        }
        if (headKey != null) b.delete(meta.cf(Family.RECIPES), headKey);
        b.deleteRange(meta.cf(Family.RECIPES), key(entryId, start), key(entryId, dropEnd));
        put(b, meta, entryId, head);
        put(b, meta, entryId, newSteps);
        put(b, meta, entryId, tail);
    }

    /** Sorts a segment's steps into those before {@code start} and those from {@code dropEnd} on. */
    private static void split(List<RecipeRecord> segment, long start, long dropEnd, List<RecipeRecord> head,
                              List<RecipeRecord> tail) {
        for (RecipeRecord r : segment) {
            if (r.end() <= start) {
                head.add(r);
            } else if (r.offset() >= dropEnd) {
                tail.add(r);
            } else if (r.offset() < start || r.end() > dropEnd) {
                // dropping it would leave a hole where data was: refuse rather than lose bytes. Rewrites
                // widen their range to whole steps, and appends write their steps under the same entry
                // lock, so this guards the invariant; this batch is not written
                throw new EngineException(EngineException.Reason.BUSY, "the entry changed during this write (a chunk"
                        + " at [" + r.offset() + ", " + r.end() + ") reaches over the rewritten range [" + start + ", "
                        + dropEnd + ")): nothing from offset " + start + " on was written; write it again");
            }
        }
    }

    /** The steps of one segment record. */
    static List<RecipeRecord> stepsOf(byte[] key, byte[] value) {
        List<RecipeRecord> out = new ArrayList<>(steps(value));
        long offset = Keys.longAt(key, 8);
        for (int i = 0, n = steps(value); i < n; i++) {
            int length = Keys.intAt(value, i * STEP_BYTES + Fingerprint.LENGTH);
            out.add(new RecipeRecord(offset, fingerprintAt(value, i), length));
            offset += length;
        }
        return out;
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

        /** Positions so that {@link #next} returns the step holding {@code offset}, or the first one after it. */
        void seek(long offset) {
            sc.seekForPrev(key(entryId, offset));
            if (!sc.valid()) sc.seek(key(entryId, offset));
            positioned = true;
            load();
            while (next < segment.size() && segment.get(next).end() <= offset) next++;
            // offset lies in a hole after the segment found: the next segment starts after it
            if (next == segment.size()) nextSegment();
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
            if (sc.valid()) segment.addAll(stepsOf(sc.key(), sc.value()));
        }

        @Override
        public void close() {
            sc.close();
        }
    }
}
