package dev.cistern.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.engine.CleanMode;
import dev.cistern.server.FakeEngine;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/v1/clean} with and without {@code {"full": true}}, and the bodies it refuses. */
class CleanModeTest {
    @TempDir
    Path dir;

    @Test
    void theBodyPicksTheModeAndTheJobShowsIt() throws Exception {
        FakeEngine engine = new FakeEngine();
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), p -> engine)) {
            String op = t.login("operator");
            JsonNode full = awaitEnd(t, op, t.send("POST", "/api/v1/clean", op, "{\"full\": true}"));
            assertThat(full.get("mode").asText()).isEqualTo("full");
            assertThat(full.get("state").asText()).isEqualTo("succeeded");
            JsonNode normal = awaitEnd(t, op, t.send("POST", "/api/v1/clean", op, null));
            assertThat(normal.get("mode").asText()).isEqualTo("threshold");
            JsonNode explicit = awaitEnd(t, op, t.send("POST", "/api/v1/clean", op, "{\"full\": false}"));
            assertThat(explicit.get("mode").asText()).isEqualTo("threshold");
            JsonNode empty = awaitEnd(t, op, t.send("POST", "/api/v1/clean", op, "{}"));
            assertThat(empty.get("mode").asText()).isEqualTo("threshold");
            assertThat(engine.cleanModes)
                    .containsExactly(CleanMode.FULL, CleanMode.THRESHOLD, CleanMode.THRESHOLD, CleanMode.THRESHOLD);
            // a verify has no mode
            JsonNode verify = awaitEnd(t, op, t.send("POST", "/api/v1/verify", op, null));
            assertThat(verify.get("mode").isNull()).isTrue();
        }
    }

    /** A full clean can copy most of the store: the audit log and the events say which mode was asked for. */
    @Test
    void theAuditLineAndTheEventNameTheMode() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("cistern.audit");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO); // the tests' root level is WARN
        logger.setAdditive(false);
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), p -> new FakeEngine())) {
            String op = t.login("operator");
            awaitEnd(t, op, t.send("POST", "/api/v1/clean", op, "{\"full\": true}"));
            awaitEnd(t, op, t.send("POST", "/api/v1/clean", op, null));
            assertThat(t.send("POST", "/api/v1/clean", op, "{\"full\": \"yes\"}").status()).isEqualTo(400);
            java.util.List<String> lines = logged.list.stream().map(e -> e.getFormattedMessage())
                    .filter(l -> l.contains(" POST /api/v1/clean ")).toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0)).startsWith("user=operator from=127.0.0.1 POST /api/v1/clean -> 202").endsWith(" mode=full");
            assertThat(lines.get(1)).endsWith("-> 202 mode=threshold");
            assertThat(lines.get(2)).as("a refused body asked for no mode").endsWith("-> 400");
            java.util.List<String> events = new java.util.ArrayList<>();
            for (JsonNode e : t.get("/api/v1/events?type=config", op).json()) events.add(e.get("message").asText());
            assertThat(events).contains("POST /api/v1/clean mode=full", "POST /api/v1/clean mode=threshold");
        } finally {
            logger.detachAppender(logged);
            logger.setLevel(level);
            logger.setAdditive(true);
        }
    }

    /**
     * The audit names the mode the API runs, whatever the spelling the API accepts: Jackson reads the string
     * "true" as a Boolean true, so {@code {"full": "true"}} is a full clean and must be logged as one.
     */
    @Test
    void theAuditNamesTheModeForEverySpellingTheApiAccepts() throws Exception {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("cistern.audit");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        ch.qos.logback.classic.Level level = logger.getLevel();
        logger.setLevel(ch.qos.logback.classic.Level.INFO);
        logger.setAdditive(false);
        FakeEngine engine = new FakeEngine();
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), p -> engine)) {
            String op = t.login("operator");
            java.util.List<String> bodies = java.util.List.of("{\"full\": \"true\"}", "{\"full\": \"false\"}",
                    " {\"full\": true} ", "{\"full\": \"\"}");
            for (String body : bodies) {
                Reply r = t.send("POST", "/api/v1/clean", op, body);
                if (r.status() == 202) t.awaitJob(r.json().get("id").asLong(), op);
            }
            java.util.List<String> lines = logged.list.stream().map(e -> e.getFormattedMessage())
                    .filter(l -> l.contains(" POST /api/v1/clean ")).toList();
            assertThat(lines).hasSize(bodies.size());
            int ran = 0;
            for (int i = 0; i < bodies.size(); i++) {
                if (!lines.get(i).contains("-> 202")) {
                    assertThat(lines.get(i)).as(bodies.get(i)).doesNotContain("mode=");
                    continue;
                }
                CleanMode mode = engine.cleanModes.get(ran++);
                assertThat(lines.get(i)).as(bodies.get(i)).endsWith(" mode=" + mode.name().toLowerCase(java.util.Locale.ROOT));
            }
            assertThat(ran).isEqualTo(engine.cleanModes.size());
        } finally {
            logger.detachAppender(logged);
            logger.setLevel(level);
            logger.setAdditive(true);
        }
    }

    @Test
    void aMalformedOrMisplacedModeIsRefusedAndStartsNothing() {
        FakeEngine engine = new FakeEngine();
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), p -> engine)) {
            String op = t.login("operator");
            assertRefused(t.send("POST", "/api/v1/clean", op, "{\"full\": \"yes\"}"), "invalid JSON in request body");
            assertRefused(t.send("POST", "/api/v1/clean", op, "{\"full\": 1}"), "invalid JSON in request body");
            assertRefused(t.send("POST", "/api/v1/clean", op, "{\"fullClean\": true}"), "unknown field 'fullClean'");
            assertRefused(t.send("POST", "/api/v1/clean", op, "{\"full\": true"), "invalid JSON in request body");
            assertRefused(t.send("POST", "/api/v1/clean?full=true", op, null),
                    "'full' is not a query parameter: send it in the JSON body, {\"full\": true}");
            assertThat(engine.cleanModes).isEmpty();
            assertThat(t.get("/api/v1/jobs", op).json()).isEmpty();
        }
    }

    private static void assertRefused(Reply r, String error) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.error()).startsWith(error);
    }

    private static JsonNode awaitEnd(TestServer t, String token, Reply started) throws InterruptedException {
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        return t.awaitJob(started.json().get("id").asLong(), token);
    }
}
