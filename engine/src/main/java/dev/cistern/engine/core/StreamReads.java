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
            try (Scanner sc = meta.scan(Family.RECIPES, dev.cistern.engine.meta.Keys.id(entryId))) {
                sc.seekForPrev(RecipeRecord.key(entryId, offset));
                if (!sc.valid()) sc.seek(RecipeRecord.key(entryId, offset));
                for (; sc.valid(); sc.advance()) {
                    RecipeRecord r = RecipeRecord.decode(sc.key(), sc.value());
                    if (r.offset() >= offset + want) break;
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
