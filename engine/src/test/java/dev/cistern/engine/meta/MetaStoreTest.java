package dev.cistern.engine.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.EngineException;
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

    /**
     * A close that stops waiting for a scanner still open returns, refuses new calls, and leaves the
     * database to the scanner: it is freed (its lock file released, its log flushed) when that scanner closes.
     */
    @Test
    void aCloseThatStopsWaitingFreesTheStoreWhenTheLastTokenComesBack() {
        byte[] key = Keys.id(7);
        MetaStore meta = MetaStore.open(dir);
        meta.put(Family.GROUPS, key, new byte[] {42}, false);
        Scanner sc = meta.scan(Family.GROUPS, new byte[0]);
        meta.close(50);
        assertThatThrownBy(() -> meta.get(Family.GROUPS, key)).isInstanceOf(EngineException.class)
                .extracting(e -> ((EngineException) e).reason()).isEqualTo(EngineException.Reason.CLOSED);
        assertThatThrownBy(sc::next).isInstanceOf(EngineException.class)
                .extracting(e -> ((EngineException) e).reason()).isEqualTo(EngineException.Reason.CLOSED);
        // still open underneath: a second store on the same directory is refused by RocksDB's lock
        assertThatThrownBy(() -> MetaStore.open(dir)).isInstanceOf(EngineException.class);
        sc.close();
        try (MetaStore again = MetaStore.open(dir)) {
            assertThat(again.get(Family.GROUPS, key)).containsExactly(42);
        }
    }
}
