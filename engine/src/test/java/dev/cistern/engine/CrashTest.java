package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writing child JVM with SIGKILL at random moments (20 times; 200 with -Dcistern.test.long=true).
 * After each kill, everything the child was told is durable must read back bit-exact, and verify must
 * be clean. The child writes streams (atomic create+commit), volume blocks (FUA and SYNCHRONIZE CACHE)
 * and an appended tape-like stream (flush = filemark).
 */
class CrashTest {
    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveKillMinus9() throws Exception {
        int rounds = Boolean.getBoolean("cistern.test.long") ? 200 : 20;
        Random r = new Random(42);
        Map<String, long[]> streams = new HashMap<>();
        Map<Long, Long> blocks = new HashMap<>();
        long tapeAcked = 0;
        Map<Long, Long> tapePieces = new HashMap<>();
        byte[] file = new byte[CrashWorker.FILE_SIZE]; // the in-place file as of its last flush
        int killedCleaning = 0;
        for (int round = 0; round < rounds; round++) {
            // the child's output goes to a file, which still holds all it printed once it is dead
            Path childOut = dir.resolve("child-" + round + ".out");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                    // RocksDB unpacks its native library into the temp directory; a killed JVM leaves it there
                    "-Djava.io.tmpdir=" + dir, "-cp", System.getProperty("java.class.path"),
                    CrashWorker.class.getName(), dir.toString(), String.valueOf(round))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(childOut.toFile()).start();
            // Kill at a random moment after the child's first acknowledgement, so every round tests a
            // crash in the middle of writing however slow the machine is.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long killAt = Long.MAX_VALUE;
            int delayMs = r.nextInt(1000);
            LineTail out = new LineTail(childOut);
            long tapeStart = -1;
            long[] pendingWrite = null; // offset, length, seed of a file rewrite announced and not yet flushed
            boolean cleaning = false;
            int acks = 0;
            boolean dead = false;
            while (true) {
                if (!dead && (System.nanoTime() >= Math.min(killAt, deadline) || !p.isAlive())) {
                    p.destroyForcibly();
                    p.waitFor();
                    dead = true;
                }
                // once it is dead, the rest of what it printed: a write it announced after the kill time
                // may have landed, so the model must know of it
                String line = out.nextLine();
                if (line == null) {
                    if (dead) break;
                    Thread.sleep(1);
                    continue;
                }
                String[] f = line.split(" ");
                try {
                    switch (f[0]) {
                        case "TAPE-START" -> tapeStart = Long.parseLong(f[1]);
                        case "STREAM" -> {
                            streams.put(f[1], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                            if (killAt == Long.MAX_VALUE) killAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
                        }
                        case "DELETING" -> streams.remove(f[1]);
                        case "CLEANING" -> cleaning = true;
                        case "CLEANED" -> cleaning = false;
                        case "BLOCK" -> blocks.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
                        case "TAPE" -> {
                            tapeAcked = Long.parseLong(f[1]);
                            long piece = (tapeAcked - tapeStart) / 10_000 - 1;
                            tapePieces.put(tapeAcked - 10_000, round * 100_000L + piece + 13);
                        }
                        case "FILE-WRITE" -> pendingWrite = new long[] {Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
                        case "FILE-FLUSHED" -> {
                            System.arraycopy(TestData.random(pendingWrite[2], (int) pendingWrite[1]), 0, file, (int) pendingWrite[0], (int) pendingWrite[1]);
                            pendingWrite = null;
                        }
                        default -> throw new AssertionError("unexpected line " + line);
                    }
                } catch (RuntimeException e) {
                    throw new AssertionError("round " + round + ": bad line from the child: " + line, e);
                }
                acks++;
            }
            assertThat(p.isAlive()).isFalse();
            assertThat(acks).as("round " + round + ": the child acknowledged writes before it was killed").isGreaterThan(0);
            if (cleaning) killedCleaning++;
            check(streams, blocks, tapeAcked, tapePieces, file, pendingWrite);
        }
        System.out.println("crash test: " + rounds + " kills, " + killedCleaning + " of them in the middle of a clean");
        assertThat(streams).as("each round leaves at least its last stream").hasSizeGreaterThanOrEqualTo(rounds);
    }

    /** Complete lines of a file another process is appending to; a last line without its newline waits. */
    private static final class LineTail {
        private final Path file;
        private long read;
        private final StringBuilder partial = new StringBuilder();
        private final java.util.ArrayDeque<String> lines = new java.util.ArrayDeque<>();

        LineTail(Path file) {
            this.file = file;
        }

        String nextLine() throws java.io.IOException {
            if (lines.isEmpty()) {
                try (var ch = java.nio.channels.FileChannel.open(file)) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate((int) Math.max(0, ch.size() - read));
                    while (b.hasRemaining() && ch.read(b, read + b.position()) > 0) {
                        // read on
                    }
                    read += b.position();
                    for (int i = 0; i < b.position(); i++) {
                        char ch0 = (char) b.get(i);
                        if (ch0 == '\n') {
                            lines.add(partial.toString());
                            partial.setLength(0);
                        } else {
                            partial.append(ch0);
                        }
                    }
                }
            }
            return lines.poll();
        }
    }

    /**
     * Everything acknowledged reads back. The file rewrite the kill caught before its flush may have landed
     * or not, but whole (its recipe steps are replaced in one batch): {@code file} becomes what is there.
     */
    private void check(Map<String, long[]> streams, Map<Long, Long> blocks, long tapeAcked, Map<Long, Long> tapePieces,
                       byte[] file, long[] pendingWrite) {
        try (Engine e = Engines.open(EngineConfig.defaults(dir).withContainerSize(512 * 1024))) {
            ContainerHandle c = e.openContainer("crash");
            for (var s : streams.entrySet()) {
                assertThat(EngineRoundTripTest.readAll(c, s.getKey())).as(s.getKey())
                        .isEqualTo(TestData.random(s.getValue()[0], (int) s.getValue()[1]));
            }
            try (BlockVolume v = c.openVolume("vol")) {
                for (var b : blocks.entrySet()) {
                    ByteBuffer buf = ByteBuffer.allocate(CrashWorker.BLOCK);
                    v.read(b.getKey() * CrashWorker.BLOCK, buf);
                    assertThat(buf.array()).as("block " + b.getKey()).isEqualTo(TestData.random(b.getValue(), CrashWorker.BLOCK));
                }
            }
            assertThat(c.stat("tape").orElseThrow().size()).isGreaterThanOrEqualTo(tapeAcked);
            try (FileEntry tape = c.openFile("tape")) {
                for (var piece : tapePieces.entrySet()) {
                    ByteBuffer buf = ByteBuffer.allocate(10_000);
                    tape.read(piece.getKey(), buf);
                    assertThat(buf.array()).as("tape at " + piece.getKey()).isEqualTo(TestData.random(piece.getValue(), 10_000));
                }
            }
            try (FileEntry f = c.openFile("file")) {
                assertThat(f.size()).isEqualTo(file.length);
                ByteBuffer buf = ByteBuffer.allocate(file.length);
                while (buf.hasRemaining() && f.read(buf.position(), buf) > 0) {
                    // read on to the end
                }
                byte[] got = buf.array();
                if (pendingWrite != null) {
                    int at = (int) pendingWrite[0];
                    int len = (int) pendingWrite[1];
                    byte[] landed = TestData.random(pendingWrite[2], len);
                    byte[] region = Arrays.copyOfRange(got, at, at + len);
                    if (!Arrays.equals(region, Arrays.copyOfRange(file, at, at + len))) {
                        assertThat(region).as("the rewrite caught by the kill at " + at + ", " + len + " bytes: landed whole or not at all")
                                .isEqualTo(landed);
                        System.arraycopy(landed, 0, file, at, len);
                    }
                }
                assertThat(got).as("the file rewritten in place").isEqualTo(file);
            }
            VerifyReport vr = e.verify(Progress.NONE);
            assertThat(vr.clean()).as(vr.toString()).isTrue();
        }
    }
}
