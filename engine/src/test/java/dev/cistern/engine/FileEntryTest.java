package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileEntryTest {
    @TempDir
    Path dir;

    @Test
    void randomRewritesMatchAModelAndTouchFewChunks() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("share", "nfs", Map.of()));
            ContainerHandle c = e.openContainer("share");
            byte[] model = TestData.random(11, 3_000_000);
            EngineRoundTripTest.put(c, "f", model);
            Random r = new Random(12);
            try (FileEntry f = c.openFile("f")) {
                for (int i = 0; i < 200; i++) {
                    int len = 1 + r.nextInt(20_000);
                    int off = r.nextInt(model.length + 5_000);
                    byte[] d = TestData.random(100 + i, len);
                    long uniqueBefore = e.groupStats("grp").uniqueBytes();
                    f.write(off, ByteBuffer.wrap(d));
                    // only the chunks around the write are new: at most the write plus two max-size chunks
                    assertThat(e.groupStats("grp").uniqueBytes() - uniqueBefore).isLessThan(len + 2L * 64 * 1024 + 1);
                    if (off + len > model.length) model = Arrays.copyOf(model, off + len);
                    System.arraycopy(d, 0, model, off, len);
                }
                f.truncate(1_234_567);
                model = Arrays.copyOf(model, 1_234_567);
                f.truncate(1_300_000);
                model = Arrays.copyOf(model, 1_300_000);
                f.flush();
            }
            assertThat(EngineRoundTripTest.readAll(c, "f")).isEqualTo(model);
        }
    }

    /** Large reads take the batched path; every offset and length must match small reads exactly. */
    @Test
    void largeReadsAtAnyOffsetMatchTheData() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir).withContainerSize(256 * 1024))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("share", "s3", Map.of()));
            ContainerHandle c = e.openContainer("share");
            Random r = new Random(5);
            for (int size : new int[] {300_000, 1_048_576, 5_000_001}) {
                byte[] data = TestData.random(size, size);
                EngineRoundTripTest.put(c, "f" + size, data);
                try (FileEntry f = c.openFile("f" + size)) {
                    for (int i = 0; i < 30; i++) {
                        int off = r.nextInt(size);
                        int len = 256 * 1024 + r.nextInt(2 * 1024 * 1024);
                        ByteBuffer buf = ByteBuffer.allocate(len + 100);
                        buf.position(100);
                        ByteBuffer slice = buf.slice();
                        int n = f.read(off, slice);
                        int expect = Math.min(len, size - off);
                        assertThat(n).isEqualTo(expect);
                        assertThat(Arrays.copyOfRange(buf.array(), 100, 100 + n)).isEqualTo(Arrays.copyOfRange(data, off, off + n));
                    }
                }
            }
        }
    }
}
