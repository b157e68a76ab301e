package dev.cistern.iscsi.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real initiators from Debian packages. A missing tool fails the test with the package to
 * install; it never skips, so CI cannot silently stop testing against real clients.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    public record Result(int exit, String output) {
    }

    public static void require(String tool, String debianPackage) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) found = true;
        }
        for (String dir : List.of("/usr/sbin", "/sbin")) {
            if (Files.isExecutable(Path.of(dir, tool))) found = true;
        }
        assertThat(found).as("tool '%s' is missing: install the Debian package '%s'", tool, debianPackage).isTrue();
    }

    public static Result run(long timeoutSeconds, String... command) throws IOException, InterruptedException {
        return run(timeoutSeconds, () -> false, command);
    }

    /**
     * As {@link #run(long, String...)}, but a tool still running once {@code abandon} turns true is killed and
     * answers exit -1: an initiator whose target was killed retries its login for ever.
     */
    public static Result run(long timeoutSeconds, BooleanSupplier abandon, String... command)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!p.waitFor(50, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
            if (abandon.getAsBoolean()) {
                p.destroyForcibly().waitFor();
                reader.join();
                return new Result(-1, new String(out[0], StandardCharsets.UTF_8));
            }
        }
        if (p.isAlive()) {
            p.destroyForcibly();
            reader.join(2000);
            throw new AssertionError("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
        }
        reader.join();
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }
}
