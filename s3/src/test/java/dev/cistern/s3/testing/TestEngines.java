package dev.cistern.s3.testing;

import dev.cistern.engine.Engine;
import java.nio.file.Path;

/** The engine the end-to-end tests run against. */
public final class TestEngines {
    private TestEngines() {
    }

    public static Engine open(Path dir) {
        return new MemoryEngine();
    }
}
