package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /**
     * The recipe is stored in segments of many steps: writes, truncations (shrinking and growing, which
     * leaves holes), appends and copies split and join them. After every change, reads at random
     * offsets match a model; after a restart, and after a clean that reclaims the chunks the edits
     * dropped, everything still matches and verify is clean.
     */
    @Test
    void editsSplitRecipeSegmentsAndEverythingStillReadsBack() {
        byte[] model = TestData.random(21, 4_000_000);
        Random r = new Random(22);
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("share", "nfs", Map.of()));
            ContainerHandle c = e.openContainer("share");
            EngineRoundTripTest.put(c, "f", model);
            for (int i = 0; i < 150; i++) {
                int op = r.nextInt(10);
                if (op < 6) {
                    // a write anywhere, some far past the end (a hole up to there)
                    int off = r.nextInt(model.length + (r.nextBoolean() ? 200_000 : 1_000));
                    byte[] d = TestData.random(1000 + i, 1 + r.nextInt(r.nextBoolean() ? 3_000 : 300_000));
                    try (FileEntry f = c.openFile("f")) {
                        f.write(off, ByteBuffer.wrap(d));
                    }
                    if (off + d.length > model.length) model = Arrays.copyOf(model, off + d.length);
                    System.arraycopy(d, 0, model, off, d.length);
                } else if (op < 8) {
                    // shrink, or grow (the grown part is a hole: zeros, no recipe steps)
                    int size = op == 6 ? r.nextInt(model.length + 1) : model.length + r.nextInt(100_000);
                    try (FileEntry f = c.openFile("f")) {
                        f.truncate(size);
                    }
                    model = Arrays.copyOf(model, size);
                } else {
                    byte[] d = TestData.random(2000 + i, r.nextInt(400_000));
                    try (StreamWriter w = c.append("f")) {
                        w.write(ByteBuffer.wrap(d));
                        w.commit(Map.of());
                    }
                    int at = model.length;
                    model = Arrays.copyOf(model, at + d.length);
                    System.arraycopy(d, 0, model, at, d.length);
                }
                assertReadsMatch(c, model, r);
            }
            c.copy("f", "g");
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            ContainerHandle c = e.openContainer("share");
            assertThat(EngineRoundTripTest.readAll(c, "f")).isEqualTo(model);
            assertThat(EngineRoundTripTest.readAll(c, "g")).isEqualTo(model);
            c.delete("g");
            assertThat(e.clean(Progress.NONE).chunksFreed()).isPositive();
            assertThat(EngineRoundTripTest.readAll(c, "f")).isEqualTo(model);
            VerifyReport v = e.verify(Progress.NONE);
            assertThat(v.clean()).as(v.toString()).isTrue();
        }
    }

    private static void assertReadsMatch(ContainerHandle c, byte[] model, Random r) {
        try (FileEntry f = c.openFile("f")) {
            assertThat(f.size()).isEqualTo(model.length);
            for (int k = 0; k < 4; k++) {
                int off = model.length == 0 ? 0 : r.nextInt(model.length);
                int len = 1 + r.nextInt(k % 2 == 0 ? 5_000 : 600_000);
                ByteBuffer buf = ByteBuffer.allocate(len);
                int n = f.read(off, buf);
                int expect = Math.min(len, model.length - off);
                assertThat(Math.max(n, 0)).isEqualTo(expect);
                if (n > 0) assertThat(Arrays.copyOf(buf.array(), n)).isEqualTo(Arrays.copyOfRange(model, off, off + n));
            }
        }
    }

    /** Large reads take the batched path; every offset and length must match small reads exactly. */
    /** A write far past the end leaves a hole, not gigabytes of zeros to re-chunk (or an array too large). */
    @Test
    void aWriteFarPastTheEndLeavesAHole() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("nfs", "client", Map.of()));
            ContainerHandle c = e.openContainer("nfs");
            byte[] head = TestData.random(5, 100_000);
            EngineRoundTripTest.put(c, "sparse", head);
            byte[] tail = TestData.random(6, 70_000);
            long far = 5L << 30;
            try (FileEntry f = c.openFile("sparse")) {
                f.write(far, ByteBuffer.wrap(tail));
                f.flush();
                assertThat(f.size()).isEqualTo(far + tail.length);
                ByteBuffer got = ByteBuffer.allocate(tail.length + 1000);
                f.read(far - 1000, got);
                byte[] expected = new byte[tail.length + 1000];
                System.arraycopy(tail, 0, expected, 1000, tail.length);
                assertThat(got.array()).isEqualTo(expected);
                ByteBuffer mid = ByteBuffer.allocate(4096);
                f.read(2L << 30, mid);
                assertThat(mid.array()).isEqualTo(new byte[4096]);
                ByteBuffer start = ByteBuffer.allocate(head.length);
                f.read(0, start);
                assertThat(start.array()).isEqualTo(head);
            }
            assertThat(e.groupStats("grp").uniqueBytes()).as("only the bytes written are stored").isLessThan(1_000_000);
            assertThat(e.verify(Progress.NONE).clean()).isTrue();
        }
    }

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

    /**
     * Writes that cannot be stored change nothing: one that would end past the largest size (its end
     * wrapped negative, it was taken and its bytes never read back), and one past the end refused by the
     * quota (the file grew to the offset all the same, before its chunks were refused).
     */
    @Test
    void aRefusedWriteChangesNothing() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("grp", Compression.NONE, 200_000, null, null));
            e.createContainer("grp", new ContainerSpec("share", "nfs", Map.of()));
            ContainerHandle c = e.openContainer("share");
            byte[] model = TestData.random(31, 150_000);
            TestData.store(c, "f", model);
            try (FileEntry f = c.openFile("f")) {
                assertThatThrownBy(() -> f.write(Long.MAX_VALUE - 4, ByteBuffer.wrap(new byte[10])))
                        .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
                assertThatThrownBy(() -> f.write(10_000_000, ByteBuffer.wrap(TestData.random(32, 100_000))))
                        .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.QUOTA_EXCEEDED);
                assertThat(f.size()).isEqualTo(model.length);
            }
            assertThat(TestData.readAll(c, "f")).isEqualTo(model);
        }
    }

    /** A name that is not valid Unicode was stored under the key of another ("a\uD800" as "a?"). */
    @Test
    void aNameThatIsNotUnicodeIsRefusedAndOverwritesNothing() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("share", "nfs", Map.of()));
            ContainerHandle c = e.openContainer("share");
            byte[] first = TestData.random(41, 1000);
            TestData.store(c, "a?", first);
            assertThatThrownBy(() -> TestData.store(c, "a\uD800", TestData.random(42, 1000)))
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.INVALID_ARGUMENT);
            assertThat(TestData.readAll(c, "a?")).isEqualTo(first);
        }
    }
}
