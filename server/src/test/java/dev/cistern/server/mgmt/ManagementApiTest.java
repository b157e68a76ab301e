package dev.cistern.server.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.StreamWriter;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import dev.cistern.server.config.Role;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The management REST endpoints, /metrics and the audit trail over real HTTPS against the real engine: charts
 * that follow written data, alerts raised and acknowledged by role, events for logins and container changes
 * (throttled logins included), and 400/401/403 answers that change nothing.
 */
class ManagementApiTest {
    @TempDir
    static Path dir;
    static TestServer t;
    static String admin;
    static String operator;
    static String monitor;

    @BeforeAll
    static void start() throws Exception {
        t = new TestServer(ServerSettings.forTests(dir), MgmtSettings.forTests(), ServeCommand::openEngine);
        admin = t.login("admin");
        operator = t.login("operator");
        monitor = t.login("monitor");
        assertThat(t.send("POST", "/api/v1/storage-groups", operator, "{\"name\":\"small\",\"compression\":\"none\",\"quota\":\"1M\"}").status()).isEqualTo(201);
        assertThat(t.send("POST", "/api/v1/containers", operator, "{\"name\":\"files\",\"storageGroup\":\"small\",\"protocol\":\"client\"}").status()).isEqualTo(201);
        byte[] payload = new byte[950 << 10];
        new Random(7).nextBytes(payload);
        ContainerHandle files = t.server.engine().engine().openContainer("files");
        for (String name : new String[]{"a.tar", "b.tar"}) {
            try (StreamWriter w = files.create(name)) {
                w.write(payload, 0, payload.length);
                w.commit(Map.of());
            }
        }
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void chartsShowTheWriteRateAndSpaceOfServerGroupAndContainer() throws Exception {
        JsonNode series = null;
        for (int i = 0; i < 100; i++) {
            series = t.get("/api/v1/charts?range=hour", monitor).json();
            if (max(series, "writeBytesPerSecond") > 0 && max(series, "logicalBytes") > 0) break;
            Thread.sleep(200);
        }
        assertThat(max(series, "writeBytesPerSecond")).as(series.toString()).isPositive();
        assertThat(max(series, "logicalBytes")).isEqualTo(2.0 * (950 << 10));
        assertThat(series.get("stepSeconds").asLong()).isEqualTo(1);

        JsonNode container = t.get("/api/v1/charts?range=day&container=files", monitor).json();
        assertThat(container.get("stepSeconds").asLong()).isEqualTo(60);
        assertThat(container.get("timestamps").size()).isEqualTo(container.at("/values/storedBytes").size());
        assertThat(t.get("/api/v1/charts?range=week&storageGroup=small", monitor).status()).isEqualTo(200);
    }

    @Test
    void chartRequestsWithBadValuesGet400AndNoTokenGets401() {
        Reply bad = t.get("/api/v1/charts?range=year", monitor);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.error()).contains("'year'").contains("hour, day or week");
        assertThat(t.get("/api/v1/charts?storageGroup=small&container=files", monitor).status()).isEqualTo(400);
        assertThat(t.get("/api/v1/charts?container=..%2Fetc", monitor).status()).isEqualTo(400);
        for (String p : List.of("/api/v1/charts", "/api/v1/alerts", "/api/v1/events")) {
            assertThat(t.get(p, null).status()).as(p).isEqualTo(401);
            assertThat(t.get(p, "cst_forged").status()).as(p).isEqualTo(401);
        }
        assertThat(t.send("POST", "/api/v1/alerts/1/acknowledge", null, null).status()).isEqualTo(401);
    }

    @Test
    void aGroupNearItsQuotaRaisesAnAlertThatOnlyWritersMayAcknowledge() {
        t.server.management().health().checkOnce();
        JsonNode quota = alert("quota:small");
        assertThat(quota).as("alerts: " + t.get("/api/v1/alerts?state=all", monitor).text()).isNotNull();
        assertThat(quota.get("message").asText()).contains("storage group 'small'").contains("quota");
        long id = quota.get("id").asLong();

        Reply refused = t.send("POST", "/api/v1/alerts/" + id + "/acknowledge", monitor, null);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.error()).contains("monitor");
        assertThat(alert("quota:small").get("acknowledgedAt").isNull()).isTrue();

        Reply acked = t.send("POST", "/api/v1/alerts/" + id + "/acknowledge", operator, null);
        assertThat(acked.status()).isEqualTo(200);
        assertThat(acked.json().get("acknowledgedBy").asText()).isEqualTo("operator");
        JsonNode active = t.get("/api/v1/alerts?state=active", monitor).json();
        for (JsonNode a : active) assertThat(a.get("id").asLong()).isNotEqualTo(id);
        assertThat(t.send("POST", "/api/v1/alerts/" + id + "/acknowledge", admin, null).json().get("acknowledgedBy").asText())
                .as("acknowledging twice keeps the first").isEqualTo("operator");

        assertThat(t.send("POST", "/api/v1/alerts/99999/acknowledge", admin, null).status()).isEqualTo(404);
        Reply notANumber = t.send("POST", "/api/v1/alerts/abc/acknowledge", admin, null);
        assertThat(notANumber.status()).isEqualTo(400);
        assertThat(notANumber.error()).contains("invalid alert id 'abc'");
        assertThat(t.get("/api/v1/alerts?state=bogus", monitor).status()).isEqualTo(400);
    }

    @Test
    void loginsFailedLoginsAndContainerChangesAreEvents() throws Exception {
        t.send("POST", "/api/v1/login", null, "{\"user\":\"operator\",\"password\":\"wrong-password\"}");
        assertThat(t.send("POST", "/api/v1/containers", operator, "{\"name\":\"scratch\",\"storageGroup\":\"small\",\"protocol\":\"s3\"}").status()).isEqualTo(201);
        assertThat(t.send("DELETE", "/api/v1/containers/scratch", operator, null).status()).isEqualTo(204);
        assertThat(t.send("POST", "/api/v1/containers", operator, "{\"name\":\"scratch\"").status())
                .as("bad JSON is refused and is no event").isEqualTo(400);

        // events are recorded just after the response goes out: give the last one a moment
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 50 && events.stream().noneMatch(e -> e.contains("created container 'scratch'")); i++) {
            if (i > 0) Thread.sleep(100);
            events.clear();
            for (JsonNode e : t.get("/api/v1/events?limit=500", monitor).json()) {
                events.add(e.get("type").asText() + " " + e.get("user").asText() + " " + e.get("message").asText());
            }
        }
        assertThat(events).contains("login admin logged in from 127.0.0.1", "login-failed operator wrong user name or password, from 127.0.0.1",
                "container operator created container 'scratch'", "container operator deleted container 'scratch'",
                "config operator POST /api/v1/storage-groups (small)");
        assertThat(events.stream().filter(e -> e.contains("'scratch'"))).hasSize(2);
        JsonNode logins = t.get("/api/v1/events?type=login", monitor).json();
        for (JsonNode e : logins) assertThat(e.get("type").asText()).isEqualTo("login");
        assertThat(t.get("/api/v1/events?limit=0", monitor).status()).isEqualTo(400);
        assertThat(t.get("/api/v1/events?type=DROP%20TABLE", monitor).status()).isEqualTo(400);
        // a type that is no type ('logins', 'restart') was answered with no events, as if there were none
        for (String typo : List.of("logins", "restart", "bogus")) {
            assertThat(t.get("/api/v1/events?type=" + typo, monitor).status()).as(typo).isEqualTo(400);
        }
        for (String type : List.of("login", "login-failed", "config", "container", "service", "alert")) {
            assertThat(t.get("/api/v1/events?type=" + type, monitor).status()).as(type).isEqualTo(200);
        }
    }

    @Test
    void loginsRefusedByTheThrottleAreFailedLoginEvents() throws Exception {
        t.server.config().addUser("victim", Role.MONITOR, "password-victim".toCharArray());
        int throttled = 0;
        for (int i = 0; i < 7; i++) {
            int status = t.send("POST", "/api/v1/login", null, "{\"user\":\"victim\",\"password\":\"guess-" + i + "\"}").status();
            assertThat(status).isIn(401, 429);
            if (status == 429) throttled++;
        }
        assertThat(throttled).isPositive();
        long victim = 0;
        boolean sawThrottle = false;
        for (int i = 0; i < 50 && victim < 7; i++) {
            if (i > 0) Thread.sleep(100); // events are recorded just after the response goes out
            victim = 0;
            for (JsonNode e : t.get("/api/v1/events?type=login-failed&limit=1000", monitor).json()) {
                if (!e.get("user").asText().equals("victim")) continue;
                victim++;
                sawThrottle |= e.get("message").asText().contains("too many failed logins");
            }
        }
        assertThat(victim).isEqualTo(7);
        assertThat(sawThrottle).isTrue();
    }

    @Test
    void metricsNeedATokenAndSpeakPrometheusText() throws Exception {
        t.server.management().monitor().sampleOnce();
        HttpClient client = client();
        HttpResponse<String> anon = client.send(HttpRequest.newBuilder(URI.create(t.url() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anon.statusCode()).isEqualTo(401);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(t.url() + "/metrics"))
                .header("Authorization", "Bearer " + monitor).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(r.body()).contains("# TYPE cistern_logical_bytes gauge")
                .contains("cistern_logical_bytes{container=\"files\"} " + 2 * (950 << 10))
                .contains("cistern_up{service=\"engine\"} 1")
                .containsPattern("cistern_written_bytes_total \\d+");
    }

    @Test
    void theUiPathsAreServedWithoutATokenButNeverOutsideTheUiFolder() throws Exception {
        HttpClient client = client();
        HttpResponse<String> traversal = client.send(HttpRequest.newBuilder(URI.create(t.url() + "/..%2F..%2Fconfig/config.json")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(traversal.statusCode()).isEqualTo(400);
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(t.url() + "/index.html"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    private static HttpClient client() throws Exception {
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(t.server.tls().trustStore());
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    private static JsonNode alert(String key) {
        for (JsonNode a : t.get("/api/v1/alerts?state=all", monitor).json()) if (a.get("key").asText().equals(key)) return a;
        return null;
    }

    private static double max(JsonNode series, String metric) {
        double m = 0;
        for (JsonNode v : series.at("/values/" + metric)) if (!v.isNull()) m = Math.max(m, v.asDouble());
        return m;
    }
}
