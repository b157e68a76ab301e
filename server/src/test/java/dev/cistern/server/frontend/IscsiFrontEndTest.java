package dev.cistern.server.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's iSCSI service with LUNs made through REST, driven by real initiators from Debian's
 * libiscsi-bin and qemu-utils (installed by .ci/run).
 */
class IscsiFrontEndTest {
    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
        return out;
    }

    @Test
    void lunsMadeThroughRestServeRealInitiators() throws Exception {
        int port = freePort();
        ServerSettings t0 = ServerSettings.forTests(dir);
        ServerSettings settings = new ServerSettings(t0.dataDir(), t0.bindAddress(), 0, Map.of("iscsi", port),
                t0.passwordIterations(), t0.cleanHour(), t0.watchInterval(), t0.backoff(), t0.clock());
        try (TestServer t = new TestServer(settings, d -> Engines.open(EngineConfig.defaults(d)), List.of(new IscsiFrontEnd()))) {
            String admin = t.login("admin");
            assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"blocks\"}").status()).isEqualTo(201);
            // a bad LUN size is refused and leaves no container behind
            TestServer.Reply bad = t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"vmstore\",\"storageGroup\":\"blocks\",\"protocol\":\"iscsi\",\"lun\":{\"size\":\"1000\"}}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(t.get("/api/v1/containers/vmstore", admin).status()).isEqualTo(404);
            TestServer.Reply ok = t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"vmstore\",\"storageGroup\":\"blocks\",\"protocol\":\"iscsi\",\"lun\":{\"size\":\"64M\",\"blockSize\":512}}");
            assertThat(ok.status()).as(ok.text()).isEqualTo(201);
            TestServer.Reply luns = t.get("/api/v1/containers/vmstore/luns", admin);
            assertThat(luns.json()).hasSize(1);
            assertThat(luns.json().get(0).get("sizeBytes").asLong()).isEqualTo(64L << 20);
            String iqn = luns.json().get(0).get("iqn").asText();

            String ls = run("iscsi-ls", "-s", "iscsi://127.0.0.1:" + port);
            assertThat(ls).contains(iqn);
            String url = "iscsi://127.0.0.1:" + port + "/" + iqn + "/0";
            run("qemu-io", "-f", "raw", "-c", "write -P 0x5a 1M 2M", url);
            String read = run("qemu-io", "-f", "raw", "-c", "read -P 0x5a 1M 2M", url);
            assertThat(read).doesNotContain("Pattern verification failed");

            TestServer.Reply added = t.send("POST", "/api/v1/containers/vmstore/luns", t.login("operator"),
                    "{\"size\":\"16M\",\"blockSize\":4096}");
            assertThat(added.status()).isEqualTo(201);
            assertThat(added.json().get("lun").asInt()).isEqualTo(1);
            assertThat(t.send("DELETE", "/api/v1/containers/vmstore/luns/1", t.login("monitor"), null).status()).isEqualTo(403);
            assertThat(t.send("DELETE", "/api/v1/containers/vmstore/luns/1", admin, null).status()).isEqualTo(204);
            assertThat(t.get("/api/v1/iscsi/sessions", admin).status()).isEqualTo(200);

            // a tape library on the same listener: changer at LUN 0, drives after it
            TestServer.Reply lib = t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"tapelib\",\"storageGroup\":\"blocks\",\"protocol\":\"vtl\",\"properties\":{\"vtl.drives\":\"2\",\"vtl.slots\":\"8\"}}");
            assertThat(lib.status()).as(lib.text()).isEqualTo(201);
            String libIqn = "iqn.2026-11.dev.cistern:tapelib";
            String changer = run("iscsi-inq", "iscsi://127.0.0.1:" + port + "/" + libIqn + "/0");
            assertThat(changer).contains("STK").contains("L700");
            String drive = run("iscsi-inq", "iscsi://127.0.0.1:" + port + "/" + libIqn + "/1");
            assertThat(drive).contains("IBM").contains("ULT3580");
        }
    }
}
