package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.store.ChunkLocation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One large read of bytes [offset, end) of an entry straight into a caller's array, given the chunks
 * that cover the range in order: a stream's recipe steps, or a volume's mapped units. This thread
 * locates them a piece at a time (one multi-get per piece) while the worker threads already read and
 * decode the pieces before. Records written one after another sit next to each other in their
 * container, and each such run is read with one positional read. What no chunk covers reads as zeros.
 */
final class RangeRead {
    /** Bytes of chunks located at a time, then handed to the workers while the next are located. */
    private static final int PIECE = 1024 * 1024;
    /** A run read with one positional read stops growing at this size (its last record may cross it). */
    private static final int RUN_BYTES = 256 * 1024;
    /**
     * Buffers large runs are read into, reused: allocating (and clearing) one per batch cost a third of a
     * restore. Capped, so a burst of concurrent reads (an iSCSI queue) does not leave them all behind.
     */
    private static final Queue<byte[]> RUN_BUFFERS = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger POOLED = new AtomicInteger();
    private static final int MAX_POOLED = 2 * Runtime.getRuntime().availableProcessors();
    /** Room for a run of RUN_BYTES plus its last record, which may cross it (a frame is at most about 530 KiB). */
    private static final int RUN_BUFFER = RUN_BYTES + (1 << 20);
    /** Runs this small get an array of their own: a 2-unit volume read should not hold a pooled megabyte. */
    private static final int SMALL_RUN = 64 * 1024;

    private final ChunkReader chunks;
    private final GroupState g;
    private final long offset;
    private final long end;
    private final byte[] out;
    private final int base;
    private final PlannedWork work;
    private List<RecipeRecord> piece = new ArrayList<>();
    /** Per step of {@link #piece}: its location if the caller knew it, else null (located with the piece). */
    private List<ChunkLocation> known = new ArrayList<>();
    private long pieceBytes;
    /** [offset, covered) is zero-filled, queued, or in the piece being gathered. */
    private long covered;

    private RangeRead(ChunkReader chunks, DedupStore workers, GroupState g, long offset, long end, byte[] out, int base) {
        this.chunks = chunks;
        this.g = g;
        this.offset = offset;
        this.end = end;
        this.out = out;
        this.base = base;
        this.work = workers.plannedWork();
        this.covered = offset;
    }

    /**
     * Reads [offset, end) into {@code out[base..]}: {@code steps} gives the chunks through {@link #add},
     * in offset order. Returns once every byte is in place; rethrows the first failure.
     */
    static void read(ChunkReader chunks, DedupStore workers, GroupState g, long offset, long end, byte[] out, int base,
                     Consumer<RangeRead> steps) {
        RangeRead r = new RangeRead(chunks, workers, g, offset, end, out, base);
        Throwable failed = null;
        try {
            steps.accept(r);
            if (!r.piece.isEmpty()) r.plan(true);
            if (r.covered < end) r.zero(r.covered, end);
        } catch (Throwable t) {
            failed = t;
            r.work.cancel(); // what is queued is not wanted any more
        }
        try {
            r.work.finish(); // whatever happened, the workers write into the caller's array: wait for them
        } catch (RuntimeException | Error e) {
            if (failed == null) throw e;
            failed.addSuppressed(e);
        }
        if (failed instanceof RuntimeException e) throw e;
        if (failed instanceof Error e) throw e;
        if (failed != null) throw new EngineException(EngineException.Reason.IO_ERROR, "read failed: " + failed, failed);
    }

    /** The next chunk of the range ({@code loc} if known, else null); steps outside the range are skipped. */
    void add(RecipeRecord step, ChunkLocation loc) {
        if (step.end() <= offset || step.offset() >= end) return;
        if (step.offset() > covered) zero(covered, step.offset()); // sparse: nothing stored there
        covered = Math.max(covered, step.end());
        piece.add(step);
        known.add(loc);
        pieceBytes += step.length();
        if (pieceBytes >= PIECE) plan(false);
    }

    private void zero(long from, long to) {
        Arrays.fill(out, base + (int) (from - offset), base + (int) (to - offset), (byte) 0);
    }

    /**
     * Locates the chunks of the piece and queues their reads. Unless {@code last}, the steps at the end
     * that share a frame are held back to start the next piece: a frame split between two pieces would
     * be decoded twice, once for each.
     */
    private void plan(boolean last) {
        ChunkLocation[] all = known.toArray(new ChunkLocation[0]);
        List<Fingerprint> unknown = new ArrayList<>();
        for (int i = 0; i < all.length; i++) if (all[i] == null) unknown.add(piece.get(i).fingerprint());
        if (!unknown.isEmpty()) {
            ChunkLocation[] found = chunks.locateAll(g, unknown.toArray(new Fingerprint[0]));
            for (int i = 0, k = 0; i < all.length; i++) if (all[i] == null) all[i] = found[k++];
        }
        int cut = all.length;
        if (!last) {
            ChunkLocation tail = all[all.length - 1];
            while (cut > 0 && all[cut - 1].sameRecord(tail)) cut--;
            if (cut == 0) cut = all.length; // one frame is the whole piece
        }
        List<RecipeRecord> steps = piece.subList(0, cut);
        ChunkLocation[] locs = Arrays.copyOf(all, cut);
        for (int[] run : runs(locs)) work.add(() -> readRun(steps, locs, run[0], run[1]));
        piece = new ArrayList<>(piece.subList(cut, piece.size()));
        known = new ArrayList<>(Arrays.asList(all).subList(cut, all.length)); // located already
        pieceBytes = 0;
        for (RecipeRecord held : piece) pieceBytes += held.length();
    }

    /** Reads the records of steps [from, to), contiguous in one container, and decodes them into place. */
    private void readRun(List<RecipeRecord> steps, ChunkLocation[] locs, int from, int to) {
        long length = (long) locs[to - 1].offset() + locs[to - 1].recordLength() - locs[from].offset();
        byte[] runBuffer = length <= SMALL_RUN ? null : borrow();
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
            if (runBuffer != null) giveBack(runBuffer);
        }
    }

    private static byte[] borrow() {
        byte[] b = RUN_BUFFERS.poll();
        if (b == null) return new byte[RUN_BUFFER];
        POOLED.decrementAndGet();
        return b;
    }

    private static void giveBack(byte[] b) {
        if (POOLED.incrementAndGet() <= MAX_POOLED) RUN_BUFFERS.offer(b);
        else POOLED.decrementAndGet();
    }

    /**
     * Index ranges [from, to) of {@code locs} whose records are contiguous in one container: each read
     * with one positional read. At most 256 KiB each (plus the record that crosses it), so work splits
     * evenly over the threads.
     */
    private static List<int[]> runs(ChunkLocation[] locs) {
        List<int[]> runs = new ArrayList<>();
        int start = 0;
        long bytes = 0;
        for (int i = 1; i <= locs.length; i++) {
            boolean sameRecord = i < locs.length && locs[i].sameRecord(locs[i - 1]);
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
}
