package dev.cistern.engine;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Sequential writer of a stream entry (a backup file, an S3 object, a tape's contents), chunked by
 * content so repeated data is found wherever it shifts to.
 *
 * <p>Two ways to open one, from {@link ContainerHandle}: {@code create} writes a new version that replaces
 * the entry atomically at {@link #commit} (nothing is visible before; {@link #abort} or a crash leaves the
 * old entry as it was); {@code append} continues an existing entry, and each {@link #flush} makes what was
 * written so far visible and durable (a tape's WRITE FILEMARKS). Not safe for concurrent use.
 */
public interface StreamWriter extends AutoCloseable {

    void write(ByteBuffer src);

    default void write(byte[] b, int off, int len) {
        write(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Appends the whole content of stream entry {@code source} of the same container by reference: its
     * chunks are not read or stored again, only its recipe is copied (S3 completing a multipart upload
     * from its parts, a copy of an object). What was written before ends a chunk here. NOT_FOUND if
     * {@code source} does not exist, DAMAGED if a chunk of it is gone.
     */
    void writeCopyOf(String source);

    /** Bytes written so far, counting from the start of the entry. */
    long position();

    /**
     * Makes everything written so far durable. For an appending writer it is also visible; for a
     * creating writer it stays hidden until {@link #commit}.
     */
    void flush();

    /** Publishes the entry with the given attributes, durably and atomically; returns its info. */
    EntryInfo commit(Map<String, String> attributes);

    /**
     * Discards what this writer wrote since its last flush (append) or entirely (create). An appending
     * writer also publishes what it has stored every {@link EngineConfig#autoFlushBytes()} (without a
     * sync), to bound what it holds in memory; an abort cannot take that back.
     */
    void abort();

    /** Commits an appending writer with unchanged attributes; aborts a creating writer never committed. */
    @Override
    void close();
}
