package dev.cistern.iscsi.testing;

import dev.cistern.engine.BlockVolume;

import java.nio.ByteBuffer;
import java.util.List;

/** A {@link BlockVolume} passing every call to another: tests override the calls they watch or break. */
public class ForwardingVolume implements BlockVolume {
    private final BlockVolume inner;

    public ForwardingVolume(BlockVolume inner) {
        this.inner = inner;
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public int blockSize() {
        return inner.blockSize();
    }

    @Override
    public int allocationUnit() {
        return inner.allocationUnit();
    }

    @Override
    public boolean readOnly() {
        return inner.readOnly();
    }

    @Override
    public void read(long offset, ByteBuffer dst) {
        inner.read(offset, dst);
    }

    @Override
    public void write(long offset, ByteBuffer src, boolean durable) {
        inner.write(offset, src, durable);
    }

    @Override
    public void unmap(long offset, long length) {
        inner.unmap(offset, length);
    }

    @Override
    public List<Extent> extents(long offset, long length) {
        return inner.extents(offset, length);
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void resize(long newSize) {
        inner.resize(newSize);
    }

    @Override
    public void close() {
        inner.close();
    }
}
