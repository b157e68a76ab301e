package dev.cistern.s3.op.bucket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.Engine;
import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.store.BucketStore;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.testing.TestEngines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merge of current and noncurrent name ranges on the real engine's name order, across pages. */
class VersionedKeysTest {
    @TempDir
    Path dir;

    private static void put(ContainerHandle h, String name) {
        try (StreamWriter w = h.create(name)) {
            w.commit(Map.of());
        }
    }

    private static List<String> all(VersionedKeys it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void mergesInKeyOrderOnceEachAcrossPages() {
        try (Engine engine = TestEngines.open(dir)) {
            ContainerHandle h = new BucketStore(engine, "default").create("vkeys", "alice", false, true).handle();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 1300; i++) {
                String k = String.format("k%05d", i);
                if (i % 3 != 0 || i % 2 == 0) expected.add(k);
                if (i % 3 != 0) put(h, ObjectNames.current(k));
                if (i % 2 == 0) {
                    put(h, ObjectNames.version(k, "0001"));
                    put(h, ObjectNames.version(k, "0002"));
                }
            }
            for (String k : new String[] {"a", "a/b", "a!", "é", "z\uD83D\uDE00"}) {
                put(h, ObjectNames.version(k, "0001"));
                expected.add(k);
            }
            expected.sort(VersionedKeys::compare);
            assertThat(all(new VersionedKeys(h, "", null, false))).containsExactlyElementsOf(expected);
            assertThat(all(new VersionedKeys(h, "k0", "k00999", false))).first().isEqualTo("k01000");
            assertThat(all(new VersionedKeys(h, "k0", "k00998", true))).first().isEqualTo("k00998");
            assertThat(all(new VersionedKeys(h, "a", null, false))).containsExactly("a", "a!", "a/b");
        }
    }
}
