package dev.cistern.server.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.server.Json;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.config.ConfigStore;
import dev.cistern.server.config.PasswordHasher;
import dev.cistern.server.http.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The management plane's OpenAPI fragment describes exactly its routes, and the served document includes it. */
class MgmtOpenApiTest {
    @TempDir
    Path dir;

    @Test
    void fragmentAndRoutesAgreeAndTheServedDocumentHasBoth() throws Exception {
        ConfigService config = new ConfigService(new ConfigStore(dir.resolve("c.json")), new PasswordHasher(1), Clock.systemUTC());
        Router router = new Router(config);
        new Management(MgmtSettings.defaults(), dir, () -> null, config, null, null, null, Clock.systemUTC()).addRoutes(router);
        Set<String> routed = new TreeSet<>();
        router.routes().forEach(r -> routed.add(r.method() + " " + r.template()));

        JsonNode fragment = Json.mapper().readTree(getClass().getResourceAsStream("/dev/cistern/server/mgmt/openapi-mgmt.json"));
        Set<String> documented = new TreeSet<>();
        fragment.get("paths").properties().forEach(p -> p.getValue().properties().forEach(op -> {
            documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey());
            assertThat(op.getValue().get("summary")).as(p.getKey() + " has a summary").isNotNull();
        }));
        assertThat(documented).isEqualTo(routed);

        try (TestServer t = new TestServer(ServerSettings.forTests(dir.resolve("data")), ServeCommand::openEngine)) {
            JsonNode served = t.get("/api/v1/openapi.json", null).json();
            assertThat(served.at("/paths/~1api~1v1~1alerts").isMissingNode()).isFalse();
            assertThat(served.at("/paths/~1api~1v1~1storage-groups").isMissingNode()).isFalse();
            served.findValuesAsText("$ref").forEach(ref ->
                    assertThat(served.at(ref.substring(1)).isMissingNode()).as(ref + " resolves").isFalse());
        }
    }
}
