package dev.cistern.engine.core;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.store.ChunkContainerWriter;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * One writer's share of the chunk store: its own open container (so its new chunks stay together),
 * the open containers of other writers it deduplicated against (to force before committing), and the
 * chunks it referenced since its last commit (for the cleaner, see {@link ReferenceTracker}).
 */
final class WriteSession implements AutoCloseable {
    final GroupState group;
    final long ownerContainerId;
    final LongSet pending = new LongSet(256);
    final Map<ChunkContainerWriter, Long> needDurable = new HashMap<>();
    ChunkContainerWriter current;

    WriteSession(GroupState group, long ownerContainerId) {
        this.group = group;
        this.ownerContainerId = ownerContainerId;
        group.tracker.register(this);
    }

    synchronized void needs(ChunkContainerWriter w, long end) {
        needDurable.merge(w, end, Math::max);
    }

    /** Forces every container byte this session's references depend on. Call before committing them. */
    void makeChunksDurable() {
        Map<ChunkContainerWriter, Long> todo;
        synchronized (this) {
            todo = new HashMap<>(needDurable);
            needDurable.clear();
        }
        try {
            for (var e : todo.entrySet()) e.getKey().ensureDurable(e.getValue());
        } catch (IOException | RuntimeException e) {
            // still owed: a retried commit must force them again, not find nothing to do
            synchronized (this) {
                todo.forEach((w, end) -> needDurable.merge(w, end, Math::max));
            }
            if (e instanceof RuntimeException re) throw re;
            throw new EngineException(EngineException.Reason.IO_ERROR, "cannot make chunk data durable: " + e.getMessage(), e);
        }
    }

    /** After the commit batch is durable: the references are now in the metadata. */
    void committed() {
        pending.clear();
    }

    /**
     * Gives this session's open container back to the store (idle, or sealed when full), so a clean can
     * seal and sweep it; the next store takes one again. A long-lived session (an open volume) that kept
     * it would keep the dead chunks in it from every clean until it filled up or the session closed.
     * Call only when no store of this session is in progress.
     */
    void releaseContainer() {
        ChunkContainerWriter w;
        synchronized (this) {
            w = current;
            current = null;
        }
        if (w != null) {
            try {
                group.store.release(w);
            } catch (IOException e) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "cannot release chunk container: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        group.tracker.unregister(this);
        releaseContainer();
    }
}
