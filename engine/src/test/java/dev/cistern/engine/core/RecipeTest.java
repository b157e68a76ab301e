package dev.cistern.engine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/** Recipe segments as stored: how steps are grouped into records, read back, and replaced in part. */
class RecipeTest {
    private static final long ENTRY = 7;

    @TempDir
    Path dir;

    @Test
    void stepsAreGroupedIntoSegmentsThatEndAtTheLimitAndAtHolesAndReadBackFromAnyOffset() throws Exception {
        try (MetaStore meta = MetaStore.open(dir)) {
            // 600 steps of 1000 bytes, then a hole of 500, then 10 more
            List<RecipeRecord> steps = run(0, 600, 1000);
            steps.addAll(run(600_500, 10, 1000));
            write(meta, b -> Recipe.put(b, meta, ENTRY, steps));
            assertThat(segmentSizes(meta)).containsExactly(256, 256, 88, 10);
            try (Recipe.Steps s = new Recipe.Steps(meta, ENTRY)) {
                s.seek(300_999); // inside step 300, the 45th of the second segment
                assertThat(s.next()).isEqualTo(steps.get(300));
                s.seek(600_200); // in the hole: the next step after it
                assertThat(s.next()).isEqualTo(steps.get(600));
                s.seek(610_500); // past the end
                assertThat(s.next()).isNull();
            }
            assertThat(all(meta)).isEqualTo(steps);
        }
    }

    @Test
    void replacingARangeSplitsTheSegmentsAtItsEdgesAndKeepsEverythingOutsideIt() throws Exception {
        try (MetaStore meta = MetaStore.open(dir)) {
            List<RecipeRecord> steps = run(0, 600, 1000);
            write(meta, b -> Recipe.put(b, meta, ENTRY, steps));
            // [200_000, 400_000): the end of the first segment, the start of the second
            List<RecipeRecord> fresh = run(200_000, 4, 50_000);
            write(meta, b -> Recipe.replace(b, meta, ENTRY, 200_000, 400_000, fresh));
            List<RecipeRecord> expected = new ArrayList<>(steps.subList(0, 200));
            expected.addAll(fresh);
            expected.addAll(steps.subList(400, 600));
            assertThat(all(meta)).isEqualTo(expected);
            // truncating everything from 500_000 on
            write(meta, b -> Recipe.replace(b, meta, ENTRY, 500_000, Long.MAX_VALUE, List.of()));
            assertThat(all(meta)).isEqualTo(expected.subList(0, expected.size() - 100));
        }
    }

    @Test
    void aStepReachingOverTheReplacedRangeIsRefusedAndNothingIsWritten() throws Exception {
        try (MetaStore meta = MetaStore.open(dir)) {
            List<RecipeRecord> steps = run(0, 10, 1000);
            write(meta, b -> Recipe.put(b, meta, ENTRY, steps));
            assertThatThrownBy(() -> write(meta, b -> Recipe.replace(b, meta, ENTRY, 2500, 4000, run(2500, 1, 1500))))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("nothing from offset 2500 on was written")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.BUSY);
            assertThat(all(meta)).isEqualTo(steps);
        }
    }

    private static List<RecipeRecord> run(long from, int n, int length) {
        List<RecipeRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long offset = from + (long) i * length;
            out.add(new RecipeRecord(offset, Fingerprint.of(Long.toString(offset).getBytes(), 0, Long.toString(offset).length()), length));
        }
        return out;
    }

    interface BatchWork {
        void fill(WriteBatch b) throws Exception;
    }

    private static void write(MetaStore meta, BatchWork work) throws Exception {
        try (WriteBatch b = new WriteBatch()) {
            work.fill(b);
            meta.write(b, false);
        }
    }

    private static List<Integer> segmentSizes(MetaStore meta) {
        List<Integer> out = new ArrayList<>();
        try (Scanner sc = meta.scan(Family.RECIPES, dev.cistern.engine.meta.Keys.id(ENTRY))) {
            while (sc.next()) out.add(Recipe.steps(sc.value()));
        }
        return out;
    }

    private static List<RecipeRecord> all(MetaStore meta) {
        List<RecipeRecord> out = new ArrayList<>();
        try (Recipe.Steps s = new Recipe.Steps(meta, ENTRY)) {
            for (RecipeRecord r = s.next(); r != null; r = s.next()) out.add(r);
        }
        return out;
    }
}
