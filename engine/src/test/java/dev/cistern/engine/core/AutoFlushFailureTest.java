package dev.cistern.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.Engines;
import dev.cistern.engine.Progress;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.engine.StreamWriter;
import dev.cistern.engine.TestData;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An appending writer publishes what it stored on its own every {@code autoFlushBytes}, inside a write. When
 * that publish fails (here: a fault injected before its metadata write), the write has already taken its
 * bytes: throwing would have its caller write them again, stored twice in the stream. The bytes stay
 * held, the next publish or the caller's flush tries again, and the flush reports a failure that lasts.
 */
class AutoFlushFailureTest {
    @TempDir
    Path dir;

    /** An engine publishing an appending writer's stream every MiB, with an empty stream "log" in container "box". */
    private LocalEngine engineWithAnEmptyLog() {
        EngineConfig d = EngineConfig.defaults(dir);
        LocalEngine e = (LocalEngine) Engines.open(new EngineConfig(d.dataDir(), d.containerSize(), 1 << 20, d.volumeUnit(),
                d.ingestThreads(), d.clock(), d.localityContainers()));
        e.createGroup(StorageGroupSpec.of("grp"));
        e.createContainer("grp", new ContainerSpec("box", "client", Map.of()));
        try (StreamWriter w = e.openContainer("box").create("log")) {
            w.commit(Map.of());
        }
        return e;
    }

    @Test
    void aFailedAutomaticPublishIsRetriedNotThrownAtAWriteThatTookItsBytes() {
        try (LocalEngine e = engineWithAnEmptyLog()) {
            ContainerHandle c = e.openContainer("box");
            AtomicInteger faults = new AtomicInteger(3);
            e.pausePoints.beforePublish = () -> {
                if (faults.getAndDecrement() > 0) throw new EngineException(EngineException.Reason.IO_ERROR, "injected");
            };
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (StreamWriter w = c.append("log")) {
                for (int i = 0; i < 12; i++) {
                    byte[] piece = TestData.random(i, 700_000);
                    w.write(piece, 0, piece.length); // never throws: every publish past the third works
                    expected.writeBytes(piece);
                }
                w.flush();
            }
            assertThat(faults.get()).as("the faults were hit").isLessThanOrEqualTo(0);
            assertThat(TestData.readAll(c, "log")).isEqualTo(expected.toByteArray());
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
    }

    @Test
    void aFlushReportsAPublishThatKeepsFailingAndWorksOnceItStops() {
        try (LocalEngine e = engineWithAnEmptyLog()) {
            ContainerHandle c = e.openContainer("box");
            boolean[] failing = {true};
            e.pausePoints.beforePublish = () -> {
                if (failing[0]) throw new EngineException(EngineException.Reason.IO_ERROR, "injected");
            };
            byte[] data = TestData.random(1, 5_000_000);
            try (StreamWriter w = c.append("log")) {
                w.write(data, 0, data.length);
                EngineException failed = null;
                try {
                    w.flush();
                } catch (EngineException ex) {
                    failed = ex;
                }
                assertThat(failed).isNotNull();
                assertThat(failed.getMessage()).contains("injected");
                failing[0] = false;
                w.flush(); // the same bytes, once: nothing was lost or doubled by the failures
            }
            assertThat(TestData.readAll(c, "log")).isEqualTo(data);
        }
    }
}
