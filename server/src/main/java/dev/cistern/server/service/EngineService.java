package dev.cistern.server.service;

import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The storage engine as a service. Front ends never keep the {@link Engine} they get from {@link #engine()}
 * across requests: after a restart by the watcher it is a new instance.
 */
public final class EngineService implements Service {
    /** Below this much free space the engine reports DEGRADED, so an admin sees it before writes fail. */
    static final long LOW_SPACE_BYTES = 1L << 30;

    private final Path dataDir;
    private final Function<Path, Engine> opener;
    private volatile Engine engine;

    /** @param opener opens the engine on a directory (in production {@code Engines.open(EngineConfig.defaults(dir))}) */
    public EngineService(Path dataDir, Function<Path, Engine> opener) {
        this.dataDir = dataDir;
        this.opener = opener;
    }

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public synchronized void start() {
        if (engine == null) engine = opener.apply(dataDir);
    }

    @Override
    public synchronized void stop() {
        Engine e = engine;
        engine = null;
        if (e != null) {
            // tape libraries keep cartridges open on the engine: close them (flushing) before it goes
            dev.cistern.vtl.TapeLibraries.closeAll(e);
            e.close();
        }
    }

    /** The running engine; CLOSED if it is not running (a restart is under way or it failed). */
    public Engine engine() {
        Engine e = engine;
        if (e == null) {
            throw new EngineException(EngineException.Reason.CLOSED,
                    "the storage engine is not running; see 'cistern system show' and the server log");
        }
        return e;
    }

    /** Synchronized with {@link #stop}: the probe must never reach a metadata store being closed. */
    @Override
    public synchronized Health health() {
        Engine e = engine;
        if (e == null) return Health.down("not running");
        try {
            e.checkHealth();
            long free = e.freeBytes();
            String msg = free + " bytes free in " + dataDir;
            return free < LOW_SPACE_BYTES ? Health.degraded("low space: " + msg) : Health.up(msg);
        } catch (EngineException ex) {
            if (ex.reason() == EngineException.Reason.NO_SPACE) {
                // RocksDB refuses writes after failing one on a full disk, and resumes by itself once there is
                // room; a restart cannot make room, and would drop sessions, lock encrypted groups and, while
                // the disk stays full, fail to reopen, taking reads down too
                return Health.degraded(ex.getMessage() + "; writes resume by themselves once space is freed");
            }
            return Health.down(ex.getMessage());
        }
    }
}
