package dev.cistern.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.StreamWriter;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Stats, verify and clean over REST reflect data really written through the engine. */
class StatsAndJobsWithDataTest {
    @TempDir
    Path dir;

    @Test
    void duplicateDataShowsAsDedupAndJobsReportOnIt() throws Exception {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), ServeCommand::openEngine)) {
            String op = t.login("operator");
            assertThat(t.send("POST", "/api/v1/storage-groups", op, "{\"name\":\"data\",\"compression\":\"none\"}").status()).isEqualTo(201);
            assertThat(t.send("POST", "/api/v1/containers", op, "{\"name\":\"files\",\"storageGroup\":\"data\",\"protocol\":\"client\"}").status()).isEqualTo(201);

            byte[] payload = new byte[2 << 20];
            new Random(42).nextBytes(payload);
            ContainerHandle files = t.server.engine().engine().openContainer("files");
            for (String name : new String[]{"monday.tar", "tuesday.tar"}) {
                try (StreamWriter w = files.create(name)) {
                    w.write(payload, 0, payload.length);
                    w.commit(Map.of());
                }
            }

            JsonNode st = t.get("/api/v1/containers/files/stats", op).json();
            assertThat(st.get("logicalBytes").asLong()).isEqualTo(4L << 20);
            assertThat(st.get("uniqueBytes").asLong()).isEqualTo(2L << 20);
            assertThat(st.get("dedupRatio").asDouble()).isEqualTo(2.0);
            assertThat(st.get("savingsPercent").asDouble()).isGreaterThan(45.0);
            assertThat(t.get("/api/v1/stats", op).json().at("/storageGroups/data/logicalBytes").asLong()).isEqualTo(4L << 20);

            JsonNode verify = finish(t, op, t.send("POST", "/api/v1/verify", op, null));
            assertThat(verify.get("state").asText()).as(verify.toString()).isEqualTo("succeeded");
            assertThat(verify.at("/report/chunksChecked").asLong()).isPositive();
            assertThat(verify.at("/report/damagedChunks").asLong()).isZero();

            files.delete("monday.tar");
            files.delete("tuesday.tar");
            JsonNode clean = finish(t, op, t.send("POST", "/api/v1/clean", op, null));
            assertThat(clean.get("state").asText()).as(clean.toString()).isEqualTo("succeeded");
            assertThat(clean.at("/report/containersScanned").isNumber()).isTrue();
            assertThat(t.get("/api/v1/containers/files/stats", op).json().get("logicalBytes").asLong()).isZero();
        }
    }

    private static JsonNode finish(TestServer t, String token, Reply started) throws InterruptedException {
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        String url = "/api/v1/jobs/" + started.json().get("id").asLong();
        JsonNode job = started.json();
        for (int i = 0; i < 600 && job.get("state").asText().equals("running"); i++) {
            Thread.sleep(50);
            job = t.get(url, token).json();
        }
        return job;
    }
}
