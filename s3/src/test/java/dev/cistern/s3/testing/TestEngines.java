package dev.cistern.s3.testing;

import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import java.nio.file.Path;

/**
 * The engine the end-to-end tests run against: the real one (RocksDB metadata, chunk containers,
 * fsync on commit), with few ingest threads because the test machine is shared.
 */
public final class TestEngines {
    private TestEngines() {
    }

    public static Engine open(Path dir) {
        EngineConfig d = EngineConfig.defaults(dir);
        return Engines.open(new EngineConfig(d.dataDir(), d.containerSize(), d.autoFlushBytes(), d.volumeUnit(), 2, d.clock()));
    }
}
