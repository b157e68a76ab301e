package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads byte ranges of a stream through its recipe. Keeps the last decoded chunk, so sequential
 * small reads (NFS, tape blocks) decode each chunk once.
 */
final class StreamReads {
    /** Reads at least this large go through {@link #readBatch}. */
    private static final int BATCH = 256 * 1024;
    /** Recipe bytes located at a time, then handed to the workers while the next are located. */
    private static final int PIECE = 1024 * 1024;
    /** A run read with one positional read stops growing at this size (its last record may cross it). */
    private static final int RUN_BYTES = 256 * 1024;
    /** Buffers runs are read into, reused: allocating (and clearing) one per batch cost a third of a restore. */
    private static final java.util.Queue<byte[]> RUN_BUFFERS = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final MetaStore meta;
    private final ChunkReader chunks;
    private final DedupStore parallel;
    private Fingerprint lastFp;
    private byte[] lastData;

    StreamReads(MetaStore meta, ChunkReader chunks, DedupStore parallel) {
        this.meta = meta;
        this.chunks = chunks;
        this.parallel = parallel;
    }

    /**
     * Large sequential reads (restores, big GETs): this thread walks the recipe of the range a piece at
     * a time and finds the chunks' locations (one multi-get per piece), while the worker threads already
     * read and decode the pieces before, straight into the caller's array.
     */
    private int readBatch(GroupState g, long entryId, long offset, int want, ByteBuffer dst) {
        long end = offset + want;
        byte[] out = dst.array();
        int base = dst.arrayOffset() + dst.position();
        PlannedWork work = parallel.plannedWork();
        try {
            List<RecipeRecord> piece = new ArrayList<>();
            long pieceBytes = 0;
            long covered = offset; // [offset, covered) is filled or queued
            try (Scanner sc = meta.scan(Family.RECIPES, dev.cistern.engine.meta.Keys.id(entryId))) {
                sc.seekForPrev(RecipeRecord.key(entryId, offset));
                if (!sc.valid()) sc.seek(RecipeRecord.key(entryId, offset));
                for (; sc.valid(); sc.advance()) {
                    RecipeRecord r = RecipeRecord.decode(sc.key(), sc.value());
                    if (r.offset() >= end) break;
                    if (r.end() <= offset) continue;
                    // a sparse region of a random-access file: zeros
                    if (r.offset() > covered) java.util.Arrays.fill(out, base + (int) (covered - offset), base + (int) (r.offset() - offset), (byte) 0);
                    covered = Math.max(covered, r.end());
                    piece.add(r);
                    pieceBytes += r.length();
                    if (pieceBytes >= PIECE) {
                        piece = plan(g, piece, false, offset, end, out, base, work);
                        pieceBytes = 0;
                        for (RecipeRecord held : piece) pieceBytes += held.length();
                    }
                }
            }
            if (!piece.isEmpty()) plan(g, piece, true, offset, end, out, base, work);
            if (covered < end) java.util.Arrays.fill(out, base + (int) (covered - offset), base + want, (byte) 0);
        } catch (RuntimeException e) {
            try {
                work.finish(); // the workers write into the caller's array: they must be done before it returns
            } catch (RuntimeException other) {
                e.addSuppressed(other);
            }
            throw e;
        }
        work.finish();
        dst.position(dst.position() + want);
        return want;
    }

    /**
     * Locates the chunks of {@code steps} and queues their reads: records written one after another sit
     * next to each other in their container, and each such run is read with one positional read. Unless
     * {@code last}, the steps at the end that share a frame are held back and returned, to start the next
     * piece: a frame split between two pieces would be decoded twice, once for each.
     */
    private List<RecipeRecord> plan(GroupState g, List<RecipeRecord> steps, boolean last, long offset, long end, byte[] out,
                                    int base, PlannedWork work) {
        dev.cistern.engine.store.ChunkLocation[] all = chunks.locateAll(g, steps);
        int cut = all.length;
        if (!last) {
            dev.cistern.engine.store.ChunkLocation tail = all[all.length - 1];
            while (cut > 0 && all[cut - 1].containerId() == tail.containerId() && all[cut - 1].offset() == tail.offset()) cut--;
            if (cut == 0) cut = all.length; // one frame is the whole piece
        }
        List<RecipeRecord> planned = steps.subList(0, cut);
        dev.cistern.engine.store.ChunkLocation[] locs = java.util.Arrays.copyOf(all, cut);
        for (int[] run : runs(locs)) work.add(() -> readRun(g, planned, locs, run[0], run[1], offset, end, out, base));
        return new ArrayList<>(steps.subList(cut, steps.size()));
    }

    /** Reads the records of steps [from, to), contiguous in one container, and decodes them into {@code out}. */
    private void readRun(GroupState g, List<RecipeRecord> steps, dev.cistern.engine.store.ChunkLocation[] locs, int from, int to,
                         long offset, long end, byte[] out, int base) {
        byte[] pooled = RUN_BUFFERS.poll();
        byte[] runBuffer = pooled != null ? pooled : new byte[RUN_BYTES + (1 << 20)];
        try {
            byte[] records = chunks.readRun(g, locs, from, to, runBuffer);
            int runStart = locs[from].offset();
            for (int i = from; i < to; i++) {
                RecipeRecord r = steps.get(i);
                long s0 = Math.max(offset, r.offset());
                long e0 = Math.min(end, r.end());
                int recOff = locs[i].offset() - runStart;
                if (locs[i].rawLength() != r.length()) {
                    throw new EngineException(EngineException.Reason.DAMAGED, "chunk " + r.fingerprint() + " of storage group '"
                            + g.name() + "' is " + locs[i].rawLength() + " bytes where a recipe says " + r.length()
                            + "; run verify to list affected entries");
                }
                int whole = chunks.decodeWholeFrame(g, steps, locs, i, to, records, recOff, offset, end, out,
                        base + (int) (r.offset() - offset));
                if (whole > 0) {
                    i += whole - 1;
                    continue;
                }
                if (s0 == r.offset() && e0 == r.end()) {
                    // the whole chunk is wanted: decode it straight into the caller's array
                    chunks.decodeInto(g, r.fingerprint(), locs[i], records, recOff, out, base + (int) (s0 - offset));
                } else {
                    byte[] partial = new byte[locs[i].rawLength()];
                    chunks.decodeInto(g, r.fingerprint(), locs[i], records, recOff, partial, 0);
                    System.arraycopy(partial, (int) (s0 - r.offset()), out, base + (int) (s0 - offset), (int) (e0 - s0));
                }
            }
        } finally {
            RUN_BUFFERS.offer(runBuffer);
        }
    }

    /** Reads into {@code dst} from {@code offset} up to {@code size}; returns bytes read or -1 at the end. */
    synchronized int read(GroupState g, long entryId, long size, long offset, ByteBuffer dst) {
        if (offset >= size) return dst.hasRemaining() ? -1 : 0;
        int want = (int) Math.min(dst.remaining(), size - offset);
        if (want >= BATCH && dst.hasArray() && parallel != null) return readBatch(g, entryId, offset, want, dst);
        int done = 0;
        try (Scanner sc = meta.scan(Family.RECIPES, dev.cistern.engine.meta.Keys.id(entryId))) {
            sc.seekForPrev(RecipeRecord.key(entryId, offset));
            if (!sc.valid()) sc.seek(RecipeRecord.key(entryId, offset));
            long pos = offset;
            while (done < want && sc.valid()) {
                RecipeRecord r = RecipeRecord.decode(sc.key(), sc.value());
                if (r.end() <= pos) {
                    sc.advance();
                    continue;
                }
                if (r.offset() > pos) {
                    // a hole (sparse file region): zeros
                    int gap = (int) Math.min(want - done, r.offset() - pos);
                    zero(dst, gap);
                    done += gap;
                    pos += gap;
                    continue;
                }
                byte[] data = chunk(g, r.fingerprint());
                int from = (int) (pos - r.offset());
                int n = Math.min(want - done, r.length() - from);
                dst.put(data, from, n);
                done += n;
                pos += n;
                sc.advance();
            }
        }
        if (done < want) {
            zero(dst, want - done);
            done = want;
        }
        return done;
    }

    /**
     * Index ranges [from, to) of {@code locs} whose records are contiguous in one container: each read
     * with one positional read. At most 256 KiB each, so a batch splits evenly over the threads (and
     * stays below G1's humongous size).
     */
    private static List<int[]> runs(dev.cistern.engine.store.ChunkLocation[] locs) {
        List<int[]> runs = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 1; i <= locs.length; i++) {
            boolean sameRecord = i < locs.length && locs[i].containerId() == locs[i - 1].containerId()
                    && locs[i].offset() == locs[i - 1].offset();
            if (!sameRecord) bytes += locs[i - 1].recordLength();
            boolean contiguous = i < locs.length && locs[i].containerId() == locs[i - 1].containerId()
                    && (sameRecord || locs[i].offset() == (long) locs[i - 1].offset() + locs[i - 1].recordLength())
                    && bytes < RUN_BYTES;
            if (!contiguous) {
                runs.add(new int[] {start, i});
                start = i;
                bytes = 0;
            }
        }
        return runs;
    }

    byte[] chunk(GroupState g, Fingerprint fp) {
        if (fp.equals(lastFp)) return lastData;
        byte[] d = chunks.read(g, fp, null);
        lastFp = fp;
        lastData = d;
        return d;
    }

    private static void zero(ByteBuffer dst, int n) {
        for (int i = 0; i < n; i++) dst.put((byte) 0);
    }
}
