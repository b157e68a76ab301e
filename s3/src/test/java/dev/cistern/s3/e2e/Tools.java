package dev.cistern.s3.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Running real S3 clients (Debian packages) as child processes, and the file trees they move. */
final class Tools {
    private Tools() {
    }

    /** Fails (never skips) when the tool is missing, naming the package to install. */
    static void require(String tool, String debianPackage) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return;
        }
        fail(tool + " is not installed: apt-get install " + debianPackage + " (the S3 end-to-end tests need it)");
    }

    /** Runs a command; asserts exit code 0 and returns its combined output. */
    static String run(Map<String, String> env, Path cwd, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).directory(cwd.toFile());
        // a CA bundle set for the host's own HTTPS use makes rclone refuse plain-HTTP endpoints
        pb.environment().remove("AWS_CA_BUNDLE");
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code of %s; output:%n%s", String.join(" ", cmd), text).isZero();
        return text;
    }

    /** A tree of files: small and medium random files in nested directories, one large enough for multipart. */
    static List<Path> makeTree(Path root, long seed, int largeBytes) throws IOException {
        Random r = new Random(seed);
        List<Path> files = new ArrayList<>();
        String[] dirs = {"", "docs", "docs/2024", "img", "deep/a/b/c", "with space"};
        int i = 0;
        for (String d : dirs) {
            Path dir = root.resolve(d);
            Files.createDirectories(dir);
            for (int k = 0; k < 4; k++) {
                byte[] data = new byte[r.nextInt(k == 0 ? 10 : 300_000)];
                r.nextBytes(data);
                Path f = dir.resolve("file-" + (i++) + (k == 3 ? " +odd&name.bin" : ".bin"));
                Files.write(f, data);
                files.add(f);
            }
        }
        byte[] big = new byte[largeBytes];
        r.nextBytes(big);
        Path f = root.resolve("big.bin");
        Files.write(f, big);
        files.add(f);
        return files;
    }

    /** Asserts two trees hold the same relative paths with identical bytes. */
    static void assertSameTree(Path a, Path b) throws IOException {
        List<Path> fa = relativeFiles(a);
        List<Path> fb = relativeFiles(b);
        assertThat(fb).containsExactlyInAnyOrderElementsOf(fa);
        for (Path rel : fa) {
            assertThat(Files.mismatch(a.resolve(rel), b.resolve(rel))).as("content of %s", rel).isEqualTo(-1L);
        }
    }

    static List<Path> relativeFiles(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }
}
