package dev.cistern.engine;

import dev.cistern.engine.core.LocalEngine;

/** Opens engines. */
public final class Engines {
    private Engines() {
    }

    /** Opens (creating if needed) the engine in {@code config.dataDir()}, recovering from any crash first. */
    public static Engine open(EngineConfig config) {
        return LocalEngine.open(config);
    }
}
