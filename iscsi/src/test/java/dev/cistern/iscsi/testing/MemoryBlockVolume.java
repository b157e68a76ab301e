package dev.cistern.iscsi.testing;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.EngineException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A thin in-memory {@link BlockVolume} keeping to the engine's contract (allocation units, zero reads
 * of unmapped ranges, partial-unit unmaps zero-filled): lets the target be tested without the engine.
 */
public final class MemoryBlockVolume implements BlockVolume {
    private final int blockSize;
    private final int unit;
    private final boolean readOnly;
    private final AtomicLong size;
    private final ConcurrentHashMap<Long, byte[]> units = new ConcurrentHashMap<>();
    /** Counts flush() calls, so tests can check SYNCHRONIZE CACHE reaches the volume. */
    public final AtomicLong flushes = new AtomicLong();
    public final AtomicLong durableWrites = new AtomicLong();

    public MemoryBlockVolume(long size, int blockSize, int unit, boolean readOnly) {
        this.size = new AtomicLong(size);
        this.blockSize = blockSize;
        this.unit = unit;
        this.readOnly = readOnly;
    }

    public MemoryBlockVolume(long size, int blockSize) {
        this(size, blockSize, 16384, false);
    }

    @Override
    public long size() {
        return size.get();
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public int allocationUnit() {
        return unit;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > size() || offset % blockSize != 0 || length % blockSize != 0) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "range " + offset + "+" + length + " not block aligned or beyond the end");
        }
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) {
        check(offset, dst.remaining());
        while (dst.hasRemaining()) {
            long u = offset / unit;
            int in = (int) (offset % unit);
            int n = Math.min(unit - in, dst.remaining());
            byte[] page = units.get(u);
            if (page == null) {
                for (int i = 0; i < n; i++) dst.put((byte) 0);
            } else {
                dst.put(page, in, n);
            }
            offset += n;
        }
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src, boolean durable) {
        if (readOnly) throw new EngineException(EngineException.Reason.READ_ONLY, "volume is read-only");
        check(offset, src.remaining());
        while (src.hasRemaining()) {
            long u = offset / unit;
            int in = (int) (offset % unit);
            int n = Math.min(unit - in, src.remaining());
            byte[] page = units.computeIfAbsent(u, k -> new byte[unit]);
            src.get(page, in, n);
            offset += n;
        }
        if (durable) durableWrites.incrementAndGet();
    }

    @Override
    public synchronized void unmap(long offset, long length) {
        check(offset, length);
        long end = offset + length;
        while (offset < end) {
            long u = offset / unit;
            int in = (int) (offset % unit);
            int n = (int) Math.min(unit - in, end - offset);
            if (in == 0 && n == unit) {
                units.remove(u);
            } else {
                byte[] page = units.get(u);
                if (page != null) java.util.Arrays.fill(page, in, in + n, (byte) 0);
            }
            offset += n;
        }
    }

    @Override
    public synchronized List<Extent> extents(long offset, long length) {
        List<Extent> out = new ArrayList<>();
        long end = Math.min(size(), offset + length);
        long pos = offset;
        while (pos < end) {
            long u = pos / unit;
            long next = Math.min(end, (u + 1) * unit);
            boolean mapped = units.containsKey(u);
            Extent last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.mapped() == mapped) {
                out.set(out.size() - 1, new Extent(last.offset(), next - last.offset(), mapped));
            } else {
                out.add(new Extent(pos, next - pos, mapped));
            }
            pos = next;
        }
        return out;
    }

    @Override
    public void flush() {
        flushes.incrementAndGet();
    }

    @Override
    public synchronized void resize(long newSize) {
        size.set(newSize);
        units.keySet().removeIf(u -> u * unit >= newSize);
    }

    @Override
    public void close() {
    }
}
