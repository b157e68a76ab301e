package dev.cistern.engine.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.meta.MetaStore.Family;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaStoreTest {
    @TempDir
    Path dir;

    /** The index's hash memtable keeps no key order: point reads work, a scan is refused rather than incomplete. */
    @Test
    void theFingerprintIndexTakesPointReadsButRefusesScans() {
        try (MetaStore meta = MetaStore.open(dir)) {
            byte[] key = Keys.idBytes(1, new byte[32]);
            meta.put(Family.INDEX, key, new byte[] {1}, false);
            assertThat(meta.get(Family.INDEX, key)).containsExactly(1);
            assertThat(meta.multiGet(Family.INDEX, java.util.List.of(key)).getFirst()).containsExactly(1);
            assertThatThrownBy(() -> meta.scan(Family.INDEX, Keys.id(1))).isInstanceOf(IllegalArgumentException.class);
            try (Scanner sc = meta.scan(Family.RECIPES, Keys.id(1))) {
                assertThat(sc.next()).isFalse();
            }
        }
    }
}
