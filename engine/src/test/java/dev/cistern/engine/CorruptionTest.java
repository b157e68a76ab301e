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

    @Test
    void verifyNamesTheEntriesOnDamagedDataAndOthersStillRead() throws Exception {
        EngineConfig cfg = EngineConfig.defaults(dir).withContainerSize(128 * 1024);
        byte[] a = TestData.random(1, 1_000_000);
        byte[] b = TestData.random(2, 1_000_000);
        try (Engine e = Engines.open(cfg)) {
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
}
