package dev.cistern.server.http;

import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer on the HTTPS port carries the browser hardening headers: API successes and errors (which repeat
 * a client's input), /metrics, UI files and the UI handler's own errors. Before {@link SecurityHeaders}, only
 * UI files had nosniff and a CSP, and nothing had HSTS, X-Frame-Options or Referrer-Policy.
 */
class SecurityHeadersTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static String admin;

    @BeforeAll
    static void start() {
        t = new TestServer(ServerSettings.forTests(dir), ServeCommand::openEngine);
        admin = t.login("admin");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void apiAnswersCarryTheHeadersAndMayLoadNothing() {
        Reply ok = t.get("/api/v1/system", admin);
        assertThat(ok.status()).isEqualTo(200);
        assertHardened(ok);
        assertThat(ok.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertThat(ok.header("Cache-Control")).isEqualTo("no-store");

        Reply reflected = t.get("/api/v1/storage-groups/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", admin);
        assertThat(reflected.status()).isEqualTo(404);
        assertThat(reflected.error()).contains("<img");
        assertHardened(reflected);

        assertHardened(t.get("/api/v1/system", null)); // 401
        assertHardened(t.send("POST", "/api/v1/login", null, "{\"user\":\"admin\",\"password\":\"wrong-one\"}"));
    }

    @Test
    void metricsAndUiAnswersCarryTheHeadersToo() {
        assertHardened(t.get("/metrics", admin));
        assertHardened(t.get("/metrics", null));
        Reply ui = t.get("/", null); // the server module's tests run without the UI's files: the UI handler's 404
        assertHardened(ui);
        Reply traversal = t.get("/..%2Fconfig", null);
        assertThat(traversal.status()).isEqualTo(400);
        assertHardened(traversal);
    }

    private static void assertHardened(Reply r) {
        assertThat(r.header("Strict-Transport-Security")).as(r.text()).startsWith("max-age=");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(r.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
        assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
    }
}
