package dev.cistern.s3.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.Engine;
import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.testing.TestEngines;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrphanSweeperTest {
    @TempDir
    Path dir;

    private static void put(ContainerHandle h, String name) {
        try (StreamWriter w = h.create(name)) {
            w.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            w.commit(Map.of());
        }
    }

    @Test
    void removesStagingCopiesAndPartsWithoutUploadButKeepsTheRest() {
        try (Engine engine = TestEngines.open(dir)) {
            BucketStore buckets = new BucketStore(engine, "default");
            ContainerHandle h = buckets.create("sweep", "alice", false, true).handle();
            put(h, ObjectNames.current("kept"));
            put(h, "t/0b8a2c");
            put(h, ObjectNames.upload("liveupload1"));
            put(h, ObjectNames.part("liveupload1", 1));
            put(h, ObjectNames.part("deadupload1", 1));
            put(h, ObjectNames.part("deadupload1", 2));
            assertThat(OrphanSweeper.sweep(engine)).isEqualTo(3);
            assertThat(h.stat(ObjectNames.current("kept"))).isPresent();
            assertThat(h.stat(ObjectNames.part("liveupload1", 1))).isPresent();
            assertThat(h.list("t/", null, 10)).isEmpty();
            assertThat(h.list(ObjectNames.partsOf("deadupload1"), null, 10)).isEmpty();
        }
    }
}
