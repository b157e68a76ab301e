package dev.cistern.server.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.StreamWriter;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A service that dies comes back through the watcher; an alert and an event record it; no data is lost. */
class WatcherAlertTest {
    @TempDir
    Path dir;

    @Test
    void aKilledEngineIsRestartedRecordedAndKeepsItsData() throws Exception {
        byte[] payload = new byte[300 << 10];
        new Random(3).nextBytes(payload);
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), MgmtSettings.forTests(), ServeCommand::openEngine)) {
            String op = t.login("operator");
            assertThat(t.send("POST", "/api/v1/storage-groups", op, "{\"name\":\"keep\"}").status()).isEqualTo(201);
            assertThat(t.send("POST", "/api/v1/containers", op, "{\"name\":\"box\",\"storageGroup\":\"keep\",\"protocol\":\"client\"}").status()).isEqualTo(201);
            try (StreamWriter w = t.server.engine().engine().openContainer("box").create("before-crash")) {
                w.write(payload, 0, payload.length);
                w.commit(Map.of());
            }

            t.server.engine().stop(); // what a crash of the engine looks like to the watcher: it reports DOWN

            JsonNode restart = null;
            for (int i = 0; i < 150 && restart == null; i++) {
                Thread.sleep(100);
                for (JsonNode a : t.get("/api/v1/alerts", op).json()) if (a.get("key").asText().equals("restart:engine")) restart = a;
            }
            assertThat(restart).as("a restart alert within 15 s").isNotNull();
            assertThat(restart.get("message").asText()).contains("service 'engine' was restarted by the watcher");
            assertThat(t.get("/api/v1/events?type=service", op).json().toString()).contains("service 'engine' was restarted");
            JsonNode engine = null;
            for (JsonNode s : t.get("/api/v1/system", op).json().get("services")) if (s.get("name").asText().equals("engine")) engine = s;
            assertThat(engine.get("state").asText()).isEqualTo("running");
            assertThat(engine.get("restarts").asInt()).isPositive();

            ContainerHandle box = t.server.engine().engine().openContainer("box");
            var file = box.openFile("before-crash");
            assertThat(file.size()).isEqualTo(payload.length);
            java.nio.ByteBuffer back = java.nio.ByteBuffer.allocate(payload.length);
            while (back.hasRemaining() && file.read(back.position(), back) > 0) { }
            assertThat(back.array()).isEqualTo(payload);
        }
    }

    @Test
    void aServerThatDiedWithoutStoppingRaisesAnAlertAtItsNextStart() throws Exception {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), MgmtSettings.forTests(), ServeCommand::openEngine)) {
            assertThat(t.get("/api/v1/alerts", t.login("monitor")).json().toString()).doesNotContain("unclean-shutdown");
        }
        java.nio.file.Files.writeString(dir.resolve("health").resolve("running"), "left behind by a killed process");
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), MgmtSettings.forTests(), ServeCommand::openEngine)) {
            assertThat(t.get("/api/v1/alerts", t.login("monitor")).json().toString())
                    .contains("unclean-shutdown").contains("ended without stopping");
        }
    }
}
