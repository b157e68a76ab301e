package dev.cistern.engine.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.engine.Progress;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.engine.StreamWriter;
import dev.cistern.engine.TestData;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer still open when its container is deleted may commit after the delete scanned its page: the
 * next clean drops that entry and its recipe, which nothing could list, read or delete any more.
 */
class DeletedContainerLeftoversTest {
    @TempDir
    Path dir;

    private static long rows(MetaStore meta, Family f) {
        long n = 0;
        try (Scanner sc = meta.scan(f, new byte[0])) {
            while (sc.next()) n++;
        }
        return n;
    }

    @Test
    void aWriterCommittingAfterItsContainerWasDeletedLeavesNoEntry() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("box", "client", Map.of()));
            ContainerHandle c = e.openContainer("box");
            StreamWriter w = c.create("late");
            w.write(ByteBuffer.wrap(TestData.random(1, 1 << 20)));
            e.deleteContainer("box");
            try {
                w.commit(Map.of());
            } catch (RuntimeException expected) {
                // refusing is fine too
            } finally {
                w.close();
            }
            e.clean(Progress.NONE);
            MetaStore meta = ((LocalEngine) e).meta;
            assertThat(rows(meta, Family.ENTRIES)).as("entry rows left").isZero();
            assertThat(rows(meta, Family.RECIPES)).as("recipe rows left").isZero();
            assertThat(rows(meta, Family.STAGING)).as("staging rows left").isZero();
            assertThat(e.groupStats("grp").chunkCount()).isZero();
        }
    }
}
