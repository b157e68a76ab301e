package dev.cistern.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.server.FakeEngine;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /api/v1/jobs/{id}/cancel} over HTTPS, with a clean held running by the fake engine. */
class JobCancelTest {
    @TempDir
    Path dir;

    @Test
    void anOperatorCancelsARunningCleanWhichEndsCancelled() throws Exception {
        FakeEngine engine = new FakeEngine();
        engine.cleanGate = new CountDownLatch(1);
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), p -> engine)) {
            String op = t.login("operator");
            String monitor = t.login("monitor");
            long id = t.send("POST", "/api/v1/clean", op, null).json().get("id").asLong();
            String cancel = "/api/v1/jobs/" + id + "/cancel";

            assertThat(t.send("POST", cancel, monitor, null).status()).isEqualTo(403);
            assertThat(t.get("/api/v1/jobs/" + id, monitor).json().get("cancelledBy").isNull()).isTrue();

            Reply asked = t.send("POST", cancel, op, null);
            assertThat(asked.status()).as(asked.text()).isEqualTo(202);
            assertThat(asked.json().get("state").asText()).isEqualTo("running");
            assertThat(asked.json().get("cancelledBy").asText()).isEqualTo("operator");

            engine.cleanGate.countDown();
            JsonNode job = awaitEnd(t, monitor, id);
            assertThat(job.get("state").asText()).isEqualTo("cancelled");
            assertThat(job.get("error").asText()).startsWith("clean cancelled after 1 of 2 chunk containers");
            assertThat(job.get("finishedAt").isTextual()).isTrue();
            assertThat(job.get("report").isNull()).isTrue();

            Reply again = t.send("POST", cancel, op, null);
            assertThat(again.status()).isEqualTo(409);
            assertThat(again.error()).matches("job " + id + " \\(clean\\) already cancelled at \\S+; only a running job can be cancelled");
        }
    }

    @Test
    void unknownAndFinishedJobsAreRefused() throws Exception {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), p -> new FakeEngine())) {
            String op = t.login("operator");
            Reply unknown = t.send("POST", "/api/v1/jobs/99999/cancel", op, null);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.error()).startsWith("job 99999 not found");
            assertThat(t.send("POST", "/api/v1/jobs/abc/cancel", op, null).status()).isEqualTo(400);

            long id = t.send("POST", "/api/v1/verify", op, null).json().get("id").asLong();
            assertThat(awaitEnd(t, op, id).get("state").asText()).isEqualTo("succeeded");
            Reply done = t.send("POST", "/api/v1/jobs/" + id + "/cancel", op, null);
            assertThat(done.status()).isEqualTo(409);
            assertThat(done.error()).startsWith("job " + id + " (verify) already succeeded at ");
        }
    }

    private static JsonNode awaitEnd(TestServer t, String token, long id) throws InterruptedException {
        JsonNode job = t.get("/api/v1/jobs/" + id, token).json();
        for (int i = 0; i < 200 && job.get("state").asText().equals("running"); i++) {
            Thread.sleep(25);
            job = t.get("/api/v1/jobs/" + id, token).json();
        }
        return job;
    }
}
