package dev.cistern.engine;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A thin-provisioned block device (an iSCSI LUN, a VM disk) stored through the engine's block map.
 * Offsets and lengths are in bytes and must be multiples of {@link #blockSize()}. Unwritten and
 * unmapped ranges read as zeros and take no space. Identical data written anywhere in the storage
 * group is stored once.
 *
 * <p>Writes are visible to reads at once; they become durable at {@link #flush()} (SYNCHRONIZE CACHE)
 * or when written with {@code durable = true} (FUA). The engine may make data durable earlier on its
 * own. Implementations are safe for concurrent use; concurrent writes to the same block range land in
 * some order, each one whole.
 */
public interface BlockVolume extends AutoCloseable {

    /** Size of the volume in bytes. */
    long size();

    /** Logical block size (512 or 4096). */
    int blockSize();

    /** The engine's allocation unit in bytes: the granularity of dedup, mapping and unmap. */
    int allocationUnit();

    boolean readOnly();

    /** Reads {@code dst.remaining()} bytes starting at {@code offset} into {@code dst}. */
    void read(long offset, ByteBuffer dst);

    /** Writes {@code src.remaining()} bytes at {@code offset}; with {@code durable} returns only once they are durable. */
    void write(long offset, ByteBuffer src, boolean durable);

    /**
     * Deallocates the range: it then reads as zeros. Whole allocation units inside the range are freed;
     * partial units at the edges are zero-filled. Cost: a range of more than 256 whole units is dropped
     * from the block map at once, in one synced metadata write whatever its length; a shorter one is
     * written as zeros through the write path, unit by unit.
     */
    void unmap(long offset, long length);

    /** Mapped (allocated) and unmapped extents covering {@code [offset, offset+length)}, in order. */
    List<Extent> extents(long offset, long length);

    /** Makes every write so far durable. */
    void flush();

    /** Grows or shrinks the volume; shrinking drops the data beyond the new size. */
    void resize(long newSize);

    @Override
    void close();

    /** A run of bytes that is mapped (holds data) or not. */
    record Extent(long offset, long length, boolean mapped) {
    }
}
