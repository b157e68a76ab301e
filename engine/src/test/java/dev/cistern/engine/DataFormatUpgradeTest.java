package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * A data directory of format 2 (a recipe record per chunk) opens, reads back, takes edits and is
 * stamped format 3 (recipes in segments), so that the version before, which would misread segments,
 * refuses it. A format from the future is refused.
 */
class DataFormatUpgradeTest {
    private static final byte[] FORMAT_KEY = "data-format".getBytes();
    private static final int STEP = 36;

    @TempDir
    Path dir;

    @Test
    void aFormat2DirectoryIsReadEditedAndStampedFormat3() throws Exception {
        byte[] model = TestData.random(41, 4_000_000);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("main"));
            e.createContainer("main", new ContainerSpec("share", "nfs", Map.of()));
            EngineRoundTripTest.put(e.openContainer("share"), "f", model);
        }
        int records = toFormat2();
        assertThat(records).as("one record per chunk, as format 2 stored them").isGreaterThan(300);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            ContainerHandle c = e.openContainer("share");
            assertThat(EngineRoundTripTest.readAll(c, "f")).isEqualTo(model);
            Random r = new Random(42);
            try (FileEntry f = c.openFile("f")) {
                for (int i = 0; i < 40; i++) {
                    // rewrites across the old records: each splits or replaces some of them
                    int off = r.nextInt(model.length);
                    byte[] d = TestData.random(500 + i, 1 + r.nextInt(100_000));
                    f.write(off, ByteBuffer.wrap(d));
                    if (off + d.length > model.length) model = Arrays.copyOf(model, off + d.length);
                    System.arraycopy(d, 0, model, off, d.length);
                }
                f.truncate(3_333_333);
                model = Arrays.copyOf(model, 3_333_333);
            }
            assertThat(EngineRoundTripTest.readAll(c, "f")).isEqualTo(model);
            assertThat(e.clean(Progress.NONE).chunksFreed()).isPositive();
            VerifyReport v = e.verify(Progress.NONE);
            assertThat(v.clean()).as(v.toString()).isTrue();
        }
        try (MetaStore meta = MetaStore.open(dir.resolve("meta"))) {
            assertThat(Keys.longAt(meta.get(Family.DEFAULT, FORMAT_KEY), 0)).isEqualTo(3);
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            assertThat(EngineRoundTripTest.readAll(e.openContainer("share"), "f")).isEqualTo(model);
        }
    }

    @Test
    void aFormatFromTheFutureIsRefused() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("main"));
        }
        try (MetaStore meta = MetaStore.open(dir.resolve("meta"))) {
            meta.put(Family.DEFAULT, FORMAT_KEY, Keys.id(5), true);
        }
        assertThatThrownBy(() -> Engines.open(EngineConfig.defaults(dir))).isInstanceOf(EngineException.class)
                .hasMessageContaining("data format 5")
                .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
    }

    /** Rewrites every recipe segment as one record per step, as format 2 stored recipes; stamps format 2. */
    private int toFormat2() throws Exception {
        int records = 0;
        try (MetaStore meta = MetaStore.open(dir.resolve("meta")); WriteBatch b = new WriteBatch();
             Scanner sc = meta.scan(Family.RECIPES, new byte[0])) {
            while (sc.next()) {
                byte[] key = sc.key();
                byte[] value = sc.value();
                long entry = Keys.longAt(key, 0);
                long offset = Keys.longAt(key, 8);
                b.delete(meta.cf(Family.RECIPES), key);
                for (int i = 0; i < value.length / STEP; i++) {
                    b.put(meta.cf(Family.RECIPES), Keys.id2(entry, offset), Arrays.copyOfRange(value, i * STEP, (i + 1) * STEP));
                    offset += Keys.intAt(value, i * STEP + 32);
                    records++;
                }
            }
            meta.write(b, true);
            meta.put(Family.DEFAULT, FORMAT_KEY, Keys.id(2), true);
        }
        return records;
    }
}
