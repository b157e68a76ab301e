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
     * Large sequential reads (restores, big GETs): collect the recipe steps of the range, find their
     * locations in one multi-get, then read and decode the chunks on all ingest threads straight into
     * the caller's array.
     */
    private int readBatch(GroupState g, long entryId, long offset, int want, ByteBuffer dst) {
        List<RecipeRecord> steps = new ArrayList<>();
        long end = offset + want;
        try (Scanner sc = meta.scan(Family.RECIPES, dev.cistern.engine.meta.Keys.id(entryId))) {
            sc.seekForPrev(RecipeRecord.key(entryId, offset));
            if (!sc.valid()) sc.seek(RecipeRecord.key(entryId, offset));
            while (sc.valid()) {
                RecipeRecord r = RecipeRecord.decode(sc.key(), sc.value());
                if (r.offset() >= end) break;
                if (r.end() > offset) steps.add(r);
                sc.advance();
            }
        }
        byte[] out = dst.array();
        int base = dst.arrayOffset() + dst.position();
        zeroHoles(steps, offset, end, out, base);
        dev.cistern.engine.store.ChunkLocation[] locs = chunks.locateAll(g, steps);
        // Records written one after another sit next to each other in their container: read each such
        // run with one positional read, then decode its chunks on all ingest threads.
        List<int[]> runs = runs(locs);
        parallel.parallel(runs.size(), (from, to) -> {
            byte[] partial = null;
            byte[] pooled = RUN_BUFFERS.poll(); // one per task: runs are read into it in turn
            byte[] runBuffer = pooled != null ? pooled : new byte[RUN_BYTES + (1 << 20)];
            try {
                for (int k = from; k < to; k++) {
                    int[] run = runs.get(k);
                    byte[] records = chunks.readRun(g, locs, run[0], run[1], runBuffer);
                    int runStart = locs[run[0]].offset();
                    for (int i = run[0]; i < run[1]; i++) {
                        RecipeRecord r = steps.get(i);
                        long s0 = Math.max(offset, r.offset());
                        long e0 = Math.min(end, r.end());
                        int recOff = locs[i].offset() - runStart;
                        if (locs[i].rawLength() != r.length()) {
                            throw new EngineException(EngineException.Reason.DAMAGED, "chunk " + r.fingerprint() + " of storage group '"
                                    + g.name() + "' is " + locs[i].rawLength() + " bytes where a recipe says " + r.length()
                                    + "; run verify to list affected entries");
                        }
                        int whole = chunks.decodeWholeFrame(g, steps, locs, i, run[1], records, recOff, offset, end, out,
                                base + (int) (r.offset() - offset));
                        if (whole > 0) {
                            i += whole - 1;
                            continue;
                        }
                        if (s0 == r.offset() && e0 == r.end()) {
                            // the whole chunk is wanted: decode it straight into the caller's array
                            chunks.decodeInto(g, r.fingerprint(), locs[i], records, recOff, out, base + (int) (s0 - offset));
                        } else {
                            if (partial == null || partial.length < locs[i].rawLength()) partial = new byte[locs[i].rawLength()];
                            chunks.decodeInto(g, r.fingerprint(), locs[i], records, recOff, partial, 0);
                            System.arraycopy(partial, (int) (s0 - r.offset()), out, base + (int) (s0 - offset), (int) (e0 - s0));
                        }
                    }
                }
            } finally {
                RUN_BUFFERS.offer(runBuffer);
            }
        });
        dst.position(dst.position() + want);
        return want;
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

    /** Zero-fills the parts of [offset, end) that no recipe step covers (sparse regions). */
    private static void zeroHoles(List<RecipeRecord> steps, long offset, long end, byte[] out, int base) {
        long pos = offset;
        for (RecipeRecord r : steps) {
            if (r.offset() > pos) java.util.Arrays.fill(out, base + (int) (pos - offset), base + (int) (r.offset() - offset), (byte) 0);
            pos = Math.max(pos, r.end());
        }
        if (pos < end) java.util.Arrays.fill(out, base + (int) (pos - offset), base + (int) (end - offset), (byte) 0);
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
