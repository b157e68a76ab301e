package dev.cistern.s3.store;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import java.util.List;

/**
 * Removes what a crash can leave behind in a bucket (see the package documentation): staging copies
 * ({@code t/}) and parts whose upload entry is gone ({@code p/ID/} without {@code u/ID}). Run once at
 * server start, before requests are served, when no staging copy can belong to a live request.
 */
public final class OrphanSweeper {
    private static final System.Logger LOG = System.getLogger(OrphanSweeper.class.getName());

    private OrphanSweeper() {
    }

    /** Sweeps every S3 bucket; returns the number of entries removed. */
    public static long sweep(Engine engine) {
        long removed = 0;
        for (ContainerInfo c : engine.listContainers(null)) {
            if (!"s3".equals(c.protocol())) continue;
            try {
                removed += sweep(engine.openContainer(c.name()));
            } catch (EngineException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot sweep leftovers of bucket '" + c.name() + "': " + e.getMessage());
            }
        }
        if (removed > 0) LOG.log(System.Logger.Level.INFO, "removed " + removed + " entries left by an interrupted S3 operation");
        return removed;
    }

    static long sweep(ContainerHandle h) {
        long removed = 0;
        List<EntryInfo> page;
        while (!(page = h.list("t/", null, 1000)).isEmpty()) {
            for (EntryInfo e : page) removed += delete(h, e.name());
        }
        String after = null;
        while (!(page = h.list(ObjectNames.PARTS, after, 1000)).isEmpty()) {
            for (EntryInfo e : page) {
                String rest = e.name().substring(ObjectNames.PARTS.length());
                String uploadId = rest.substring(0, Math.max(0, rest.indexOf('/')));
                if (uploadId.isEmpty() || h.stat(ObjectNames.upload(uploadId)).isEmpty()) removed += delete(h, e.name());
                after = e.name();
            }
        }
        return removed;
    }

    private static int delete(ContainerHandle h, String name) {
        try {
            h.delete(name);
            return 1;
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.NOT_FOUND) return 0;
            throw e;
        }
    }
}
