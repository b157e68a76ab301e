package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptionTest {
    @TempDir
    Path dir;

    private EngineConfig cfg() {
        return EngineConfig.defaults(dir).withContainerSize(128 * 1024);
    }

    /** Stores "a" then "b" (1 MB each) and flips a byte in the first chunk container, which holds only "a". */
    private void storeTwoFilesAndDamageTheFirstContainer(byte[] a, byte[] b) throws Exception {
        try (Engine e = Engines.open(cfg())) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("bkp", "client", Map.of()));
            ContainerHandle c = e.openContainer("bkp");
            EngineRoundTripTest.put(c, "a", a);
            EngineRoundTripTest.put(c, "b", b);
        }
        // Containers are written in order: the first file holds only chunks of "a".
        Path groupDir;
        try (var s = Files.list(dir.resolve("chunks"))) {
            groupDir = s.findFirst().orElseThrow();
        }
        List<Path> files;
        try (var s = Files.list(groupDir)) {
            files = s.sorted().toList();
        }
        try (RandomAccessFile f = new RandomAccessFile(files.get(0).toFile(), "rw")) {
            f.seek(5000);
            int x = f.read();
            f.seek(5000);
            f.write(x ^ 0x5a);
        }
    }

    @Test
    void verifyNamesTheEntriesOnDamagedDataAndOthersStillRead() throws Exception {
        EngineConfig cfg = cfg();
        byte[] a = TestData.random(1, 1_000_000);
        byte[] b = TestData.random(2, 1_000_000);
        storeTwoFilesAndDamageTheFirstContainer(a, b);
        try (Engine e = Engines.open(cfg)) {
            VerifyReport r = e.verify(Progress.NONE);
            assertThat(r.clean()).isFalse();
            assertThat(r.damagedEntries()).containsExactly("bkp/a");
            // one damaged record: a stream's chunks are stored in frames of about 256 KiB sharing one checksum
            assertThat(r.damagedChunks()).isBetween(1L, 40L);
            ContainerHandle c = e.openContainer("bkp");
            assertThatThrownBy(() -> EngineRoundTripTest.readAll(c, "a")).isInstanceOf(EngineException.class)
                    .hasMessageContaining("checksum")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.DAMAGED);
            assertThat(EngineRoundTripTest.readAll(c, "b")).isEqualTo(b);
        }
    }

    /**
     * A cancelled verify gives no report: stopped before the damaged container it does not call it damaged,
     * stopped after it it counts the damage found so far; either way the next verify runs in full.
     */
    @Test
    void aCancelledVerifySaysWhatItCheckedAndNamesNothingItDidNot() throws Exception {
        storeTwoFilesAndDamageTheFirstContainer(TestData.random(1, 1_000_000), TestData.random(2, 1_000_000));
        try (Engine e = Engines.open(cfg())) {
            assertThatThrownBy(() -> e.verify(new CancelAfter(0)))
                    .isInstanceOf(EngineException.class)
                    .hasMessageMatching("verify cancelled after 0 of \\d+ chunk containers \\(0 chunks checked\\);"
                            + " no damage found so far")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.CANCELLED);
            assertThatThrownBy(() -> e.verify(new CancelAfter(1)))
                    .isInstanceOf(EngineException.class)
                    .hasMessageMatching("verify cancelled after 1 of \\d+ chunk containers \\(\\d+ chunks checked\\);"
                            + " \\d+ damaged chunk\\(s\\) found so far: run verify to completion to name the entries"
                            + " that reference them");
            VerifyReport r = e.verify(Progress.NONE);
            assertThat(r.damagedEntries()).containsExactly("bkp/a");
        }
    }
}
