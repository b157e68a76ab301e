package dev.cistern.ui;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.StreamWriter;
import dev.cistern.server.CisternServer;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.config.Role;
import dev.cistern.server.mgmt.MgmtSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The web UI in a real browser: Debian's chromium, headless, driven by playwright-core ({@code src/test/e2e/ui-journey.mjs})
 * against a real server with the real engine on loopback. Logs in, creates a storage group and a container, watches
 * savings and the throughput chart change while this test writes data, acknowledges the quota alert the data
 * raises, logs out. Screenshots land in {@code target/screenshots/}.
 */
class BrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SCRIPT = Path.of("src/test/e2e/ui-journey.mjs");

    @TempDir
    Path dir;

    @Test
    void aUserManagesTheServerFromTheBrowser() throws Exception {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("the browser test needs Debian's chromium at " + CHROMIUM + ": run 'apt-get install chromium'");
        }
        if (!Files.isDirectory(Path.of("node_modules/playwright-core"))) {
            fail("playwright-core is missing from ui/node_modules: the build's 'npm ci' step should have installed it");
        }
        Path shots = Path.of("target/screenshots");
        Files.createDirectories(shots);
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        byte[] payload = new byte[950 << 10];
        new Random(11).nextBytes(payload);

        try (CisternServer server = CisternServer.create(ServerSettings.forTests(dir.resolve("data")), MgmtSettings.forTests(),
                ServeCommand::openEngine, List.of())) {
            server.config().addUser("alice", Role.ADMIN, "alice-password".toCharArray());
            server.start();
            ProcessBuilder pb = new ProcessBuilder("node", SCRIPT.toString()).redirectErrorStream(true);
            pb.environment().putAll(Map.of("CISTERN_URL", "https://127.0.0.1:" + server.httpPort(), "CISTERN_USER", "alice",
                    "CISTERN_PASSWORD", "alice-password", "SCREENSHOTS", shots.toAbsolutePath().toString(),
                    "USER_DATA_DIR", profile.toString()));
            Process node = pb.start();
            StringBuilder log = new StringBuilder();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
                 Writer in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8)) {
                String line;
                while ((line = out.readLine()) != null) {
                    log.append(line).append('\n');
                    System.out.println("[browser] " + line);
                    if (line.startsWith("WRITE ")) {
                        write(server, line.substring(6).trim(), payload);
                        in.write("DONE\n");
                        in.flush();
                    }
                }
            } finally {
                if (!node.waitFor(30, TimeUnit.SECONDS)) node.destroyForcibly();
            }
            assertThat(node.exitValue()).as("the browser journey failed; its output:\n" + log).isZero();
            assertThat(log).contains("PASS");
            assertThat(Files.size(shots.resolve("3-dashboard-with-data.png"))).isGreaterThan(10_000);
        }
    }

    /** The same data twice, as two nightly backups of an unchanged file: the second dedups entirely. */
    private static void write(CisternServer server, String container, byte[] payload) throws IOException {
        ContainerHandle c = server.engine().engine().openContainer(container);
        for (String name : new String[]{"monday.tar", "tuesday.tar"}) {
            try (StreamWriter w = c.create(name)) {
                w.write(payload, 0, payload.length);
                w.commit(Map.of());
            }
        }
    }
}
