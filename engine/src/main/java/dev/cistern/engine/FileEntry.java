package dev.cistern.engine;

import java.nio.ByteBuffer;

/**
 * Random-access view of a stream entry (NFS and SMB files, ranged S3 GETs, tape reads). A write
 * at an offset re-chunks only the chunks it touches, so small rewrites of huge files stay cheap.
 * Writes are visible at once and durable at {@link #flush()}. Safe for concurrent use.
 */
public interface FileEntry extends AutoCloseable {

    long size();

    /** Reads up to {@code dst.remaining()} bytes at {@code offset}; returns bytes read, -1 at or past the end. */
    int read(long offset, ByteBuffer dst);

    /** Writes at {@code offset}; writing past the end extends the entry with zeros in between. */
    void write(long offset, ByteBuffer src);

    /** Sets the size: shrinking drops data, growing appends zeros. */
    void truncate(long size);

    /** Makes every write so far durable (NFS COMMIT). */
    void flush();

    EntryInfo info();

    @Override
    void close();
}
