package dev.cistern.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.server.Json;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.config.ConfigStore;
import dev.cistern.server.config.PasswordHasher;
import dev.cistern.server.http.api.Resources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written OpenAPI document describes exactly the routes the router serves, with the same security. */
class OpenApiDocumentTest {
    @TempDir
    Path dir;

    @Test
    void documentAndRouterAgree() throws Exception {
        ConfigService config = new ConfigService(new ConfigStore(dir.resolve("c.json")), new PasswordHasher(1), Clock.systemUTC());
        Router router = Resources.router(new ApiContext(null, config, null, null, Clock.systemUTC(), null, dir, "fp",
                PasswordCheckGate.standard(), null));
        JsonNode doc = Json.mapper().readTree(getClass().getResourceAsStream("/dev/cistern/server/http/openapi.json"));

        Set<String> routed = new TreeSet<>();
        Set<String> publicRoutes = new TreeSet<>();
        for (Route r : router.routes()) {
            String key = r.method() + " " + r.template();
            routed.add(key);
            if (r.access() == Access.PUBLIC) publicRoutes.add(key);
        }
        Set<String> documented = new TreeSet<>();
        Set<String> documentedPublic = new TreeSet<>();
        doc.get("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            String key = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            documented.add(key);
            JsonNode sec = op.getValue().get("security");
            if (sec != null && sec.isEmpty()) documentedPublic.add(key);
            assertThat(op.getValue().get("summary")).as(key + " has a summary").isNotNull();
        }));
        assertThat(documented).isEqualTo(routed);
        assertThat(publicRoutes).containsExactly("GET /api/v1/openapi.json", "POST /api/v1/login");
        assertThat(documentedPublic).isEqualTo(publicRoutes);
        doc.findValuesAsText("$ref").forEach(ref ->
                assertThat(doc.at(ref.substring(1)).isMissingNode()).as(ref + " resolves").isFalse());
    }
}
