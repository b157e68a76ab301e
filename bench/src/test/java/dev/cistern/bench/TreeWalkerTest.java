package dev.cistern.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar-like stream the benchmark stores and compares restores with, read ahead on a thread of its own. */
class TreeWalkerTest {
    @TempDir
    Path dir;

    @Test
    void streamIsEachFilesHeaderThenItsBytesInPathOrderWhateverTheBufferBoundaries() throws IOException {
        // sizes around the 1 MiB read-ahead buffers: empty, tiny, exactly one, one and a byte, several,
        // and many (more than the buffers in the pool)
        int[] sizes = {0, 1, 1 << 20, (1 << 20) + 1, 3_500_000, 17, 16 << 20, (32 << 20) + 5};
        Random r = new Random(3);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Files.createDirectories(dir.resolve("sub"));
        for (int i = 0; i < sizes.length; i++) {
            Path p = dir.resolve(i % 2 == 0 ? "f" + i : "sub/g" + i);
            byte[] data = new byte[sizes[i]];
            r.nextBytes(data);
            Files.write(p, data);
        }
        for (Path p : TreeWalker.files(dir)) {
            expected.writeBytes((dir.relativize(p) + "\n" + Files.size(p) + "\n").getBytes(StandardCharsets.UTF_8));
            expected.writeBytes(Files.readAllBytes(p));
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long n = TreeWalker.write(dir, b -> {
            byte[] copy = new byte[b.remaining()];
            b.get(copy); // the buffer goes back to the reader once this returns
            got.writeBytes(copy);
        });
        assertThat(n).isEqualTo(expected.size());
        assertThat(got.toByteArray()).isEqualTo(expected.toByteArray());
    }

    @Test
    void aFailingSinkStopsTheWalkAndItsReader() throws IOException {
        for (int i = 0; i < 20; i++) Files.write(dir.resolve("f" + i), new byte[1 << 20]);
        Files.write(dir.resolve("big"), new byte[40 << 20]); // first in path order: the sink fails inside it
        int[] calls = {0};
        assertThatThrownBy(() -> TreeWalker.write(dir, b -> {
            if (++calls[0] == 3) throw new IOException("sink is full");
            b.position(b.limit());
        })).isInstanceOf(IOException.class).hasMessage("sink is full");
        // the reader was interrupted rather than left blocked on a full queue: no thread of it remains
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (readerAlive() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(readerAlive()).isFalse();
    }

    private static boolean readerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("tree-reader") && t.isAlive());
    }
}
