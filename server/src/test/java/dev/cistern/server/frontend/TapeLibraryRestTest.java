package dev.cistern.server.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tape libraries and cartridges through REST: create, move, export and import; bad requests change nothing. */
class TapeLibraryRestTest {
    @TempDir
    Path dir;

    @Test
    void aCartridgeAddedWithoutACapacityGetsTheDriveModelsNativeOne() {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), d -> Engines.open(EngineConfig.defaults(d)))) {
            String admin = t.login("admin");
            assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"tapes\"}").status()).isEqualTo(201);
            assertThat(t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"lib1\",\"storageGroup\":\"tapes\",\"protocol\":\"vtl\",\"properties\":{\"vtl.drives\":\"2\",\"vtl.slots\":\"40\"}}")
                    .status()).isEqualTo(201);
            assertThat(t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"lib6\",\"storageGroup\":\"tapes\",\"protocol\":\"vtl\",\"properties\":{\"vtl.drive-model\":\"TD6\"}}")
                    .status()).isEqualTo(201);

            // README: ./cistern cartridge add lib1 CST001L5 (no --capacity)
            TestServer.Reply lto5 = t.send("POST", "/api/v1/containers/lib1/cartridges", admin, "{\"barcode\":\"CST001L5\"}");
            assertThat(lto5.status()).as(lto5.text()).isEqualTo(201);
            assertThat(lto5.json().get("capacity").asLong()).isEqualTo(1_500_000_000_000L);
            TestServer.Reply lto6 = t.send("POST", "/api/v1/containers/lib6/cartridges", admin, "{\"barcode\":\"CST001L6\"}");
            assertThat(lto6.status()).as(lto6.text()).isEqualTo(201);
            assertThat(lto6.json().get("capacity").asLong()).isEqualTo(2_500_000_000_000L);
            // an explicit capacity below the minimum is still refused
            assertThat(t.send("POST", "/api/v1/containers/lib1/cartridges", admin, "{\"barcode\":\"CST002L5\",\"capacity\":\"0\"}")
                    .status()).isEqualTo(400);
        }
    }

    @Test
    void cartridgesMoveThroughTheLibraryAndBadRequestsChangeNothing() {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), d -> Engines.open(EngineConfig.defaults(d)))) {
            String admin = t.login("admin");
            assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"tapes\"}").status()).isEqualTo(201);
            TestServer.Reply bad = t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"lib1\",\"storageGroup\":\"tapes\",\"protocol\":\"vtl\",\"properties\":{\"vtl.drives\":\"zero\"}}");
            assertThat(bad.status()).isEqualTo(400);
            assertThat(t.get("/api/v1/containers/lib1", admin).status()).isEqualTo(404);
            TestServer.Reply lib = t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"lib1\",\"storageGroup\":\"tapes\",\"protocol\":\"vtl\",\"properties\":{\"vtl.drives\":\"2\",\"vtl.slots\":\"10\"}}");
            assertThat(lib.status()).as(lib.text()).isEqualTo(201);

            TestServer.Reply c1 = t.send("POST", "/api/v1/containers/lib1/cartridges", admin,
                    "{\"barcode\":\"CST001L5\",\"capacity\":\"100G\"}");
            assertThat(c1.status()).as(c1.text()).isEqualTo(201);
            assertThat(c1.json().get("location").asText()).isEqualTo("slot");
            assertThat(t.send("POST", "/api/v1/containers/lib1/cartridges", admin, "{\"barcode\":\"CST001L5\"}").status())
                    .isEqualTo(409);
            assertThat(t.send("POST", "/api/v1/containers/lib1/cartridges", t.login("monitor"), "{\"barcode\":\"CST002L5\"}").status())
                    .isEqualTo(403);
            TestServer.Reply list = t.get("/api/v1/containers/lib1/cartridges", admin);
            assertThat(list.json()).hasSize(1);

            // export is two steps, as on a real library: slot -> mail slot -> out of the library
            TestServer.Reply toMail = t.send("POST", "/api/v1/containers/lib1/cartridges/CST001L5/export", admin, null);
            assertThat(toMail.status()).as(toMail.text()).isEqualTo(200);
            assertThat(toMail.json().get("location").asText()).isEqualTo("mailslot");
            TestServer.Reply out = t.send("POST", "/api/v1/containers/lib1/cartridges/CST001L5/export", admin, null);
            assertThat(out.json().get("location").asText()).isEqualTo("exported");
            TestServer.Reply imported = t.send("POST", "/api/v1/containers/lib1/cartridges/CST001L5/import", admin, null);
            assertThat(imported.status()).as(imported.text()).isEqualTo(200);
            assertThat(imported.json().get("location").asText()).isEqualTo("mailslot");
            // moving to an address that does not exist is refused and leaves the cartridge where it was
            assertThat(t.send("POST", "/api/v1/containers/lib1/cartridges/CST001L5/move", admin, "{\"to\":99999}").status()).isEqualTo(400);
            JsonNode now = t.get("/api/v1/containers/lib1/cartridges/CST001L5", admin).json();
            assertThat(now.get("location").asText()).isEqualTo("mailslot");
            assertThat(t.send("POST", "/api/v1/containers/lib1/cartridges/NOPE00L5/move", admin, "{\"to\":1}").status()).isEqualTo(404);
            assertThat(t.send("DELETE", "/api/v1/containers/lib1", admin, null).status()).isEqualTo(204);
        }
    }

    /**
     * Full import/export slots are the library's state, not the disk's: the export that finds none free is a
     * conflict the operator resolves (take a cartridge out), not "insufficient storage", which clients and
     * admins read as a full disk.
     */
    @Test
    void anExportWithEveryMailSlotTakenIsAConflictNotAFullDisk() {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), d -> Engines.open(EngineConfig.defaults(d)))) {
            String admin = t.login("admin");
            assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"tapes\"}").status()).isEqualTo(201);
            TestServer.Reply lib = t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"lib1\",\"storageGroup\":\"tapes\",\"protocol\":\"vtl\",\"properties\":{\"vtl.mailslots\":\"1\"}}");
            assertThat(lib.status()).as(lib.text()).isEqualTo(201);
            for (String barcode : new String[] {"CST001L5", "CST002L5"}) {
                assertThat(t.send("POST", "/api/v1/containers/lib1/cartridges", admin, "{\"barcode\":\"" + barcode + "\"}").status())
                        .isEqualTo(201);
            }
            assertThat(t.send("POST", "/api/v1/containers/lib1/cartridges/CST001L5/export", admin, null).status()).isEqualTo(200);
            TestServer.Reply refused = t.send("POST", "/api/v1/containers/lib1/cartridges/CST002L5/export", admin, null);
            assertThat(refused.status()).as(refused.text()).isEqualTo(409);
            assertThat(refused.error()).contains("no free import/export slot").contains("CST001L5");
            assertThat(t.get("/api/v1/containers/lib1/cartridges/CST002L5", admin).json().get("location").asText()).isEqualTo("slot");
        }
    }
}
