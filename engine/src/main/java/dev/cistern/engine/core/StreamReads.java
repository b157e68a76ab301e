package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.MetaStore;
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

    /** Large sequential reads (restores, big GETs): the recipe steps of the range go to a {@link RangeRead}. */
    private int readBatch(GroupState g, long entryId, long offset, int want, ByteBuffer dst) {
        RangeRead.read(chunks, parallel, g, offset, offset + want, dst.array(), dst.arrayOffset() + dst.position(), range -> {
            try (Recipe.Steps steps = new Recipe.Steps(meta, entryId)) {
                steps.seek(offset);
                for (RecipeRecord r = steps.next(); r != null && r.offset() < offset + want; r = steps.next()) {
                    range.add(r, null);
                }
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
        try (Recipe.Steps steps = new Recipe.Steps(meta, entryId)) {
            steps.seek(offset);
            long pos = offset;
            RecipeRecord r = steps.next();
            while (done < want && r != null) {
                if (r.end() <= pos) {
                    // a step overlapped by the one before (never written so, but not worth failing a read)
                    r = steps.next();
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
                r = steps.next();
            }
        }
        if (done < want) {
            zero(dst, want - done);
            done = want;
        }
        return done;
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
