package dev.cistern.vtl.media;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.StreamWriter;
import java.nio.ByteBuffer;

/**
 * A stream entry of fixed-size records: appended through an engine writer, read back through a
 * one-page cache. Only records made visible by {@link #flush} (or the engine's own auto-flush) can be
 * read; callers flush before reading what they just wrote. Not safe for concurrent use.
 */
final class RecordFile implements AutoCloseable {
    private static final int PAGE_BYTES = 64 * 1024;

    private final ContainerHandle container;
    private final String name;
    private final int recordBytes;
    private final FileEntry file;
    private StreamWriter writer;
    private long count;
    private final byte[] page = new byte[PAGE_BYTES];
    private long pageFirst = -1;
    private int pageRecords;

    RecordFile(ContainerHandle container, String name, int recordBytes) {
        this.container = container;
        this.name = name;
        this.recordBytes = recordBytes;
        this.file = container.openOrCreateFile(name);
        this.count = file.size() / recordBytes;
    }

    /** Records written, including those not yet flushed. */
    long count() {
        return count;
    }

    void append(byte[] record) {
        if (writer == null) writer = container.append(name);
        writer.write(record, 0, recordBytes);
        count++;
    }

    void flush() {
        if (writer != null) writer.flush();
    }

    /** Record {@code i} (must be flushed), copied into {@code out} at {@code off}. */
    void read(long i, byte[] out, int off) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException("record " + i + " of " + count + " in " + name);
        if (pageFirst < 0 || i < pageFirst || i >= pageFirst + pageRecords) load(i);
        System.arraycopy(page, (int) (i - pageFirst) * recordBytes, out, off, recordBytes);
    }

    long readLong(long i) {
        byte[] b = new byte[recordBytes];
        read(i, b, 0);
        return ByteBuffer.wrap(b).getLong();
    }

    private void load(long i) {
        int perPage = PAGE_BYTES / recordBytes;
        long first = i / perPage * perPage;
        ByteBuffer dst = ByteBuffer.wrap(page, 0, perPage * recordBytes);
        long at = first * recordBytes;
        while (dst.hasRemaining()) {
            int n = file.read(at, dst);
            if (n <= 0) break;
            at += n;
        }
        pageFirst = first;
        pageRecords = dst.position() / recordBytes;
        if (i >= first + pageRecords) {
            throw new EngineException(EngineException.Reason.DAMAGED, "record " + i + " of '" + name
                    + "' is not readable (index shorter than recorded)");
        }
    }

    /** First record index whose value (first 8 bytes, ascending) is >= {@code key}; {@link #count} if none. */
    long lowerBound(long key) {
        long lo = 0;
        long hi = count;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (readLong(mid) < key) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /**
     * Forgets the records appended and not yet published (after the engine failed to store some of
     * them): the count is again what the entry holds.
     */
    void discardUnpublished() {
        if (writer != null) {
            try {
                writer.abort();
            } finally {
                writer = null;
            }
        }
        count = file.size() / recordBytes;
        pageFirst = -1;
    }

    /** Cuts a partial record at the end (left by an auto-flush the engine made at any byte), durably. */
    void dropPartialRecord() {
        if (file.size() != count * recordBytes) truncate(count);
    }

    /** Keeps the first {@code n} records, durably. */
    void truncate(long n) {
        if (writer != null) {
            writer.close();
            writer = null;
        }
        file.truncate(n * recordBytes);
        file.flush();
        count = n;
        pageFirst = -1;
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
            writer = null;
        }
        file.close();
    }
}
