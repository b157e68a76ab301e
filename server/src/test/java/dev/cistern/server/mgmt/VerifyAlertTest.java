package dev.cistern.server.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.engine.StreamWriter;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** A verify that finds damaged data raises a critical alert naming the damaged entries. */
class VerifyAlertTest {
    @TempDir
    Path dir;

    @Test
    void damageFoundByVerifyIsACriticalAlert() throws Exception {
        byte[] data = new byte[1 << 20];
        new Random(9).nextBytes(data);
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), MgmtSettings.defaults(), ServeCommand::openEngine)) {
            String op = t.login("operator");
            assertThat(t.send("POST", "/api/v1/storage-groups", op, "{\"name\":\"grp\",\"compression\":\"none\"}").status()).isEqualTo(201);
            assertThat(t.send("POST", "/api/v1/containers", op, "{\"name\":\"bkp\",\"storageGroup\":\"grp\",\"protocol\":\"client\"}").status()).isEqualTo(201);
            try (StreamWriter w = t.server.engine().engine().openContainer("bkp").create("precious.tar")) {
                w.write(data, 0, data.length);
                w.commit(Map.of());
            }
        }
        Path groupDir;
        try (var s = Files.list(dir.resolve("chunks"))) {
            groupDir = s.findFirst().orElseThrow();
        }
        List<Path> files;
        try (var s = Files.list(groupDir)) {
            files = s.sorted().toList();
        }
        try (RandomAccessFile f = new RandomAccessFile(files.getFirst().toFile(), "rw")) {
            f.seek(5000);
            int x = f.read();
            f.seek(5000);
            f.write(x ^ 0x5a);
        }

        try (TestServer t = new TestServer(ServerSettings.forTests(dir), MgmtSettings.defaults(), ServeCommand::openEngine)) {
            String op = t.login("operator");
            Reply started = t.send("POST", "/api/v1/verify", op, null);
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            JsonNode job = started.json();
            for (int i = 0; i < 600 && job.get("state").asText().equals("running"); i++) {
                Thread.sleep(50);
                job = t.get("/api/v1/jobs/" + job.get("id").asLong(), op).json();
            }
            assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("succeeded");
            t.server.management().health().checkOnce();
            JsonNode alert = null;
            for (JsonNode a : t.get("/api/v1/alerts", op).json()) if (a.get("key").asText().startsWith("verify:")) alert = a;
            assertThat(alert).as(t.get("/api/v1/alerts", op).text()).isNotNull();
            assertThat(alert.get("severity").asText()).isEqualTo("critical");
            assertThat(alert.get("message").asText()).contains("damaged chunk").contains("bkp/precious.tar");
        }
    }
}
