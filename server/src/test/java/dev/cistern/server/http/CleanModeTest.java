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
