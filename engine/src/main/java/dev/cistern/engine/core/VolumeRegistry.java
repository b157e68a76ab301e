package dev.cistern.engine.core;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.meta.EntryRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One {@link VolumeImpl} per open volume, shared by all who open it, so every opener sees the same
 * unflushed writes. Each open returns its own {@link BlockVolume} handle; the last close flushes.
 */
final class VolumeRegistry {
    private final Map<Long, VolumeImpl> open = new HashMap<>();

    synchronized BlockVolume open(LocalContainerHandle c, String name, EntryRecord e) {
        VolumeImpl v = open.computeIfAbsent(e.entryId(), id -> new VolumeImpl(c.engine(), c, name, e));
        v.openCount++;
        return new Handle(v);
    }

    /** The entry was deleted: open handles fail from now on and their unflushed writes are dropped. */
    synchronized void deleted(long entryId) {
        VolumeImpl v = open.get(entryId);
        if (v != null) v.deleted = true;
    }

    /** The entry was renamed (the caller holds the locks of both names): its open volume takes the new name. */
    synchronized void renamed(long entryId, String to) {
        VolumeImpl v = open.get(entryId);
        if (v != null) v.name = to;
    }

    /** Flushes the volume of entry {@code entryId} if it is open (before a copy reads its block map). */
    void flushOpen(long entryId) {
        VolumeImpl v;
        synchronized (this) {
            v = open.get(entryId);
        }
        if (v != null && !v.deleted) v.flush();
    }

    /** Flushes every open volume (periodic durability point); reports failures to {@code onError}. */
    void flushAll(Consumer<RuntimeException> onError) {
        List<VolumeImpl> all;
        synchronized (this) {
            all = new ArrayList<>(open.values());
        }
        for (VolumeImpl v : all) {
            try {
                v.flush();
            } catch (RuntimeException e) {
                onError.accept(e);
            }
        }
    }

    void closeAll() {
        flushAll(e -> { });
        synchronized (this) {
            for (VolumeImpl v : open.values()) v.closeSession();
            open.clear();
        }
    }

    private synchronized void release(VolumeImpl v) {
        if (--v.openCount == 0) {
            open.remove(v.entryId);
            v.closeSession();
        }
    }

    private final class Handle implements BlockVolume {
        private final VolumeImpl v;
        private boolean closed;

        Handle(VolumeImpl v) {
            this.v = v;
        }

        private VolumeImpl v() {
            if (closed) throw new EngineException(EngineException.Reason.CLOSED, v.describe() + " handle is closed");
            return v;
        }

        @Override public long size() { return v().size(); }
        @Override public int blockSize() { return v().blockSize(); }
        @Override public int allocationUnit() { return v().unit(); }
        @Override public boolean readOnly() { return v().readOnly(); }
        @Override public void read(long offset, ByteBuffer dst) { v().read(offset, dst); }
        @Override public void write(long offset, ByteBuffer src, boolean durable) { v().write(offset, src, durable); }
        @Override public void unmap(long offset, long length) { v().unmap(offset, length); }
        @Override public List<Extent> extents(long offset, long length) { return v().extents(offset, length); }
        @Override public void flush() { v().flush(); }
        @Override public void resize(long newSize) { v().resize(newSize); }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) return;
                closed = true;
            }
            try {
                if (!v.deleted) v.flush();
            } finally {
                release(v);
            }
        }
    }
}
