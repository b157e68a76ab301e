package dev.cistern.server.service;

import dev.cistern.engine.EngineException;
import dev.cistern.server.FakeEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine reports DOWN, so the watcher restarts it, when its metadata store stops serving. */
class EngineServiceTest {
    @TempDir
    Path dir;

    @Test
    void anEngineWhoseMetadataStoreStoppedIsDownAndARestartOpensAFreshOne() {
        List<FakeEngine> opened = new ArrayList<>();
        EngineService s = new EngineService(dir, d -> {
            FakeEngine e = new FakeEngine();
            opened.add(e);
            return e;
        });
        s.start();
        assertThat(s.health().status()).isEqualTo(Health.Status.UP);
        opened.getFirst().broken = new EngineException(EngineException.Reason.IO_ERROR,
                "health check failed: IO error: No space left on device");
        Health down = s.health();
        assertThat(down.status()).isEqualTo(Health.Status.DOWN);
        assertThat(down.message()).contains("No space left");
        s.stop();
        s.start();
        assertThat(opened).hasSize(2);
        assertThat(s.health().status()).isEqualTo(Health.Status.UP);
        s.stop();
    }
}
