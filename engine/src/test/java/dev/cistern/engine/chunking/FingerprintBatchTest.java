package dev.cistern.engine.chunking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Random;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Fingerprint#ofAll}, native two-lane hashing where available, against the JDK's SHA-256 one by one. */
class FingerprintBatchTest {

    @Test
    void theNativeLibraryIsUsedWhereItCanBe() throws IOException {
        // a silent fallback would leave the native path untested and the engine slower: on a machine
        // that can run it, it must be in use
        assumeThat(System.getProperty("os.name")).startsWith("Linux");
        assumeThat(System.getProperty("os.arch")).isEqualTo("amd64");
        assumeThat(Files.readString(Path.of("/proc/cpuinfo"))).contains(" sha_ni");
        assumeThat(Fingerprint.class.getClassLoader().getResource(LIBRARY))
                .as("built: a C compiler was present").isNotNull();
        assertThat(Fingerprint.nativeHashing()).isTrue();
    }

    @Test
    void everyLengthAroundThePaddingCases() throws Exception {
        // each length from 0 to 300 (one, two and more blocks, the 55/56 padding split) at each start
        // alignment, hashed in one batch so lanes refill with every kind of neighbour
        int count = 301 * 4;
        int[] off = new int[count];
        int[] len = new int[count];
        int total = 0;
        for (int i = 0; i < count; i++) {
            len[i] = i / 4;
            off[i] = total + i % 4;
            total = off[i] + len[i];
        }
        byte[] buf = new byte[total];
        new Random(7).nextBytes(buf);
        assertSameAsJdk("lengths 0..300", buf, off, len, 0, count);
    }

    @RepeatedTest(20)
    void randomChunksOfEveryKindAndRange() throws Exception {
        Random r = new Random();
        long seed = r.nextLong();
        r.setSeed(seed);
        int count = 1 + r.nextInt(200);
        int[] off = new int[count];
        int[] len = new int[count];
        int total = 0;
        for (int i = 0; i < count; i++) {
            // mostly chunk-sized, some tiny, some up to the chunker's 64 KiB maximum
            len[i] = switch (r.nextInt(4)) {
                case 0 -> r.nextInt(130);
                case 1 -> 65536 - r.nextInt(100);
                default -> 2048 + r.nextInt(14000);
            };
            off[i] = total + r.nextInt(3);
            total = off[i] + len[i];
        }
        byte[] buf = new byte[total];
        r.nextBytes(buf);
        int from = r.nextInt(count);
        int to = from + r.nextInt(count - from + 1);
        assertSameAsJdk("seed " + seed, buf, off, len, from, to);
    }

    @Test
    void overlappingAndRepeatedChunksGetTheirOwnDigests() throws Exception {
        byte[] buf = new byte[100_000];
        new Random(3).nextBytes(buf);
        int[] off = {0, 0, 10, 5000, 0, 99_999, 100_000};
        int[] len = {100_000, 100_000, 70_000, 64, 1, 1, 0};
        assertSameAsJdk("overlapping", buf, off, len, 0, off.length);
    }

    @Test
    void chunksLongerThanANativeCallTakesAreHashedToo() throws Exception {
        // the chunker allows chunks up to 1 MiB; a native call takes at most 1 MiB, longer chunks go to the JDK
        int[] len = {1_500_000, 10, 700_000, 700_000, 3, 1 << 20, (1 << 20) + 1, 64};
        int[] off = new int[len.length];
        int total = 0;
        for (int i = 0; i < len.length; i++) {
            off[i] = total;
            total += len[i];
        }
        byte[] buf = new byte[total];
        new Random(11).nextBytes(buf);
        assertSameAsJdk("long chunks", buf, off, len, 0, len.length);
    }

    @Test
    void theLibraryLoadsFromAJarThroughAPrivateCopyItRemoves(@TempDir Path tmp) throws Throwable {
        URL built = Fingerprint.class.getClassLoader().getResource(LIBRARY);
        assumeThat(built).as("built: a C compiler was present").isNotNull();
        assumeThat(Fingerprint.nativeHashing()).isTrue();
        Path jar = tmp.resolve("engine.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry(LIBRARY));
            out.write(Files.readAllBytes(Path.of(built.toURI())));
        }
        Path tmpdir = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = copies(tmpdir);
        URL inJar = URI.create("jar:" + jar.toUri() + "!/" + LIBRARY).toURL();
        assertThat(NativeSha256.loadFrom(inJar)).isNotNull();
        // nothing left under a name another user could know in advance, or at all
        assertThat(copies(tmpdir)).isEqualTo(before);
    }

    private static final String LIBRARY = "native/linux-x86_64/libcistern-sha256.so";

    private static Set<Path> copies(Path tmpdir) throws IOException {
        try (Stream<Path> s = Files.list(tmpdir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("cistern-native")).collect(Collectors.toSet());
        }
    }

    @Test
    void rangesOutsideTheBufferAreRefusedBeforeNativeCodeSeesThem() {
        byte[] buf = new byte[1000];
        byte[] out = new byte[64];
        int[][][] bad = {
                {{0, 990}, {10, 11}}, // past the end
                {{-1, 0}, {10, 10}}, // before the start
                {{0, 10}, {10, -5}}, // negative length
        };
        for (int[][] b : bad) {
            assertThatThrownBy(() -> NativeSha256.digest(buf, b[0], b[1], 0, 2, out))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThatThrownBy(() -> NativeSha256.digest(buf, new int[] {0, 0, 0}, new int[] {1, 1, 1}, 0, 3, out))
                .as("digests past the output").isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> NativeSha256.digest(buf, new int[] {0}, new int[] {1, 1}, 0, 2, out))
                .as("fewer offsets than chunks").isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> NativeSha256.digest(buf, new int[] {0, 0}, new int[] {1, 1}, 2, 1, out))
                .as("a range ending before it starts").isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static void assertSameAsJdk(String what, byte[] buf, int[] off, int[] len, int from, int to) throws Exception {
        Fingerprint[] fps = new Fingerprint[off.length];
        Fingerprint.ofAll(buf, off, len, from, to, fps);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < off.length; i++) {
            if (i < from || i >= to) {
                assertThat(fps[i]).as("%s: chunk %d outside the range", what, i).isNull();
                continue;
            }
            md.update(buf, off[i], len[i]);
            assertThat(fps[i].bytes()).as("%s: chunk %d, %d bytes at %d", what, i, len[i], off[i]).isEqualTo(md.digest());
        }
    }
}
