package dev.cistern.server;

import dev.cistern.server.TestServer.Reply;
import dev.cistern.server.service.ServiceState;
import dev.cistern.server.service.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What a server keeps across a restart, and how it copes with an engine that fails under it. */
class ServerRestartTest {
    @TempDir
    Path dir;

    @Test
    void usersTokensCertificateAndStorageGroupsSurviveARestart() {
        String token;
        String fingerprint;
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), ServeCommand::openEngine)) {
            String admin = t.login("admin");
            assertThat(t.send("POST", "/api/v1/users", admin, "{\"name\":\"ops\",\"role\":\"operator\",\"password\":\"ops-pass-1\"}").status()).isEqualTo(201);
            assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"kept\",\"quota\":\"5G\"}").status()).isEqualTo(201);
            token = t.send("POST", "/api/v1/login", null, "{\"user\":\"ops\",\"password\":\"ops-pass-1\"}").json().get("token").asText();
            fingerprint = t.server.tls().fingerprint();
        }
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), ServeCommand::openEngine)) {
            assertThat(t.server.tls().fingerprint()).isEqualTo(fingerprint);
            Reply g = t.get("/api/v1/storage-groups/kept", token);
            assertThat(g.status()).as(g.text()).isEqualTo(200);
            assertThat(g.json().get("quotaBytes").asLong()).isEqualTo(5L << 30);
            assertThat(t.get("/api/v1/users", t.login("admin")).json().findValuesAsText("name")).contains("ops");
        }
        assertThat(Files.exists(dir.resolve("config/config.json"))).isTrue();
        assertThat(Files.exists(dir.resolve("tls/server.p12"))).isTrue();
        assertThat(Files.isDirectory(dir.resolve("meta"))).isTrue();
    }

    /** The addresses exempt from a name's login back-off are kept: a restart must not make the admin lockable. */
    @Test
    void anAddressTheAdminLoggedInFromStaysExemptFromTheBackOffAfterARestart() throws Exception {
        String admin = "{\"user\":\"admin\",\"password\":\"password-admin\"}";
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), ServeCommand::openEngine)) {
            assertThat(t.sendFrom("127.0.0.2", "POST", "/api/v1/login", null, admin).status()).isEqualTo(200);
            String token = t.login("admin");
            assertThat(t.send("POST", "/api/v1/users", token, "{\"name\":\"gone\",\"role\":\"monitor\",\"password\":\"gone-pass-1\"}").status()).isEqualTo(201);
            assertThat(t.sendFrom("127.0.0.4", "POST", "/api/v1/login", null, "{\"user\":\"gone\",\"password\":\"gone-pass-1\"}").status()).isEqualTo(200);
            assertThat(Files.readString(dir.resolve("config/known-logins.json"))).contains("\"gone\"");
            assertThat(t.send("DELETE", "/api/v1/users/gone", token, null).status()).isEqualTo(204);
            assertThat(Files.readString(dir.resolve("config/known-logins.json"))).as("a deleted user's addresses go")
                    .doesNotContain("\"gone\"").contains("127.0.0.2");
        }
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), ServeCommand::openEngine)) {
            for (int i = 10; i < 20; i++) { // ten wrong guesses from ten machines: the name backs off for seconds
                Reply r = t.sendFrom("127.0.0." + i, "POST", "/api/v1/login", null, "{\"user\":\"admin\",\"password\":\"guess\"}");
                assertThat(r.status()).as(r.text()).isIn(401, 429);
            }
            Reply stranger = t.sendFrom("127.0.0.3", "POST", "/api/v1/login", null, admin);
            assertThat(stranger.status()).as("the right password from an address never used: %s", stranger.text()).isEqualTo(429);
            Reply known = t.sendFrom("127.0.0.2", "POST", "/api/v1/login", null, admin);
            assertThat(known.status()).as("the admin's address from before the restart: %s", known.text()).isEqualTo(200);
        }
    }

    @Test
    void theWatcherRestartsAnEngineThatWentDown() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        FakeEngine[] current = new FakeEngine[1];
        ServerSettings s = ServerSettings.forTests(dir);
        try (TestServer t = new TestServer(s, d -> {
            opens.incrementAndGet();
            current[0] = new FakeEngine(); // its health check fails once it is closed
            return current[0];
        })) {
            current[0].closed = true;             // the engine dies under the server
            for (int i = 0; i < 200 && opens.get() < 2; i++) Thread.sleep(20);
            assertThat(opens.get()).isEqualTo(2);
            for (int i = 0; i < 200 && state(t) != ServiceState.RUNNING; i++) Thread.sleep(20);
            ServiceStatus engine = t.server.services().statuses().getFirst();
            assertThat(engine.state()).isEqualTo(ServiceState.RUNNING);
            assertThat(engine.restarts()).isEqualTo(1);
            assertThat(engine.lastFailure()).isEqualTo("the engine is closed");
            Reply sys = t.get("/api/v1/system", t.login("monitor"));
            assertThat(sys.json().at("/services/0/restarts").asInt()).isEqualTo(1);
            assertThat(sys.json().at("/services/0/lastFailure").asText()).isEqualTo("the engine is closed");
        }
    }

    @Test
    void requestsWhileTheEngineIsDownAre503WithAReason() {
        ServerSettings quietWatcher = new ServerSettings(dir, "127.0.0.1", 0, java.util.Map.of(), 1000, -1,
                java.time.Duration.ofHours(1), ServerSettings.forTests(dir).backoff(), java.time.Clock.systemUTC());
        try (TestServer t = new TestServer(quietWatcher, d -> new FakeEngine())) {
            String token = t.login("monitor");
            t.server.engine().stop();
            Reply r = t.get("/api/v1/storage-groups", token);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.error()).isEqualTo("the storage engine is not running; see 'cistern system show' and the server log");
            assertThat(t.get("/api/v1/system", token).json().at("/services/0/health").asText()).isEqualTo("down");
        }
    }

    @Test
    void aTakenPortFailsTheStartNamingItAndClosesTheEngineAgain() {
        try (CisternServer first = CisternServer.start(ServerSettings.forTests(dir.resolve("one")), d -> new FakeEngine(), java.util.List.of())) {
            FakeEngine[] second = new FakeEngine[1];
            ServerSettings same = ServerSettings.forTests(dir.resolve("two")).withHttpPort(first.httpPort());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> CisternServer.start(same, d -> second[0] = new FakeEngine(), java.util.List.of()))
                    .isInstanceOf(dev.cistern.server.service.ServiceStartException.class)
                    .hasMessageStartingWith("service 'http' failed to start: cannot listen on ")
                    .hasMessageContaining("pick another with --http-port");
            assertThat(second[0].closed).isTrue();
        }
    }

    private static ServiceState state(TestServer t) {
        return t.server.services().statuses().getFirst().state();
    }
}
