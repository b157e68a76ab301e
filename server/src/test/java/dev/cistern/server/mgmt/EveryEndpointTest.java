package dev.cistern.server.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import dev.cistern.server.config.Role;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.PasswordCheckGate;
import dev.cistern.server.http.Route;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.api.Resources;
import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sweeps every route the server has (REST API and management plane alike): each refuses a missing, forged or
 * expired token with 401 and a role without rights with 403; each that takes a JSON body answers malformed JSON
 * with 400 and a message; and none of those refusals changes anything.
 */
class EveryEndpointTest {
    @TempDir
    Path dir;

    @Test
    void everyRouteChecksTokenRoleAndBodyAndARefusalChangesNothing() throws Exception {
        MutableClock clock = new MutableClock();
        try (TestServer t = new TestServer(ServerSettings.forTests(dir).withClock(clock), MgmtSettings.defaults(), ServeCommand::openEngine)) {
            String admin = t.login("admin");
            String operator = t.login("operator");
            String monitor = t.login("monitor");
            assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"grp1\"}").status()).isEqualTo(201);
            assertThat(t.send("POST", "/api/v1/containers", admin, "{\"name\":\"box1\",\"storageGroup\":\"grp1\",\"protocol\":\"s3\"}").status()).isEqualTo(201);
            String expiring = t.send("POST", "/api/v1/login", null,
                    "{\"user\":\"admin\",\"password\":\"password-admin\",\"ttlSeconds\":60}").json().get("token").asText();
            JsonNode doc = t.get("/api/v1/openapi.json", null).json();
            String before = snapshot(t, admin);
            clock.advance(Duration.ofSeconds(61));

            List<Route> routes = routes(t);
            assertThat(routes).hasSizeGreaterThan(30);
            List<String> problems = new ArrayList<>();
            for (Route r : routes) {
                if (r.access() == Access.PUBLIC) continue;
                String path = concrete(r.template());
                String what = r.method() + " " + r.template();
                String body = r.method().equals("GET") || r.method().equals("DELETE") ? null : "{}";
                expect(problems, what + " without a token", t.send(r.method(), path, null, body), 401);
                expect(problems, what + " with a forged token", t.send(r.method(), path, "cst_forged", body), 401);
                expect(problems, what + " with an expired token", t.send(r.method(), path, expiring, body), 401);
                if (r.access() == Access.WRITE || r.access() == Access.ADMIN) {
                    expect(problems, what + " as monitor", t.send(r.method(), path, monitor, body), 403);
                }
                if (r.access() == Access.ADMIN) {
                    expect(problems, what + " as operator", t.send(r.method(), path, operator, body), 403);
                }
                JsonNode op = doc.at("/paths/" + r.template().replace("~", "~0").replace("/", "~1") + "/" + r.method().toLowerCase(Locale.ROOT));
                if (op.has("requestBody")) {
                    expect(problems, what + " with malformed JSON", t.send(r.method(), path, admin, "{\"name\": "), 400);
                }
            }
            assertThat(problems).as("routes that answered wrongly").isEmpty();
            assertThat(snapshot(t, admin)).as("nothing changed").isEqualTo(before);
        }
    }

    /** Every route of the running server's kind: the REST resources plus the management plane's. */
    private static List<Route> routes(TestServer t) {
        var s = t.server;
        Router router = Resources.router(new ApiContext(() -> s.engine().engine(), s.config(), s.jobs(), s.services(),
                s.settings().clock(), s.settings().clock().instant(), s.layout().root(), s.tls().fingerprint(),
                PasswordCheckGate.standard(), s.management().store()));
        return s.management().addRoutes(router).routes();
    }

    /** Path parameters filled with objects that exist, so a refusal cannot be a mere 404. */
    private static String concrete(String template) {
        return template.replace("/storage-groups/{name}", "/storage-groups/grp1").replace("/containers/{name}", "/containers/box1")
                .replace("/users/{name}", "/users/" + Role.MONITOR.wireName()).replace("/logs/{name}", "/logs/cistern")
                .replace("{id}", "1").replace("{barcode}", "CST001L5").replaceAll("\\{[^}]+}", "0");
    }

    private static void expect(List<String> problems, String what, Reply r, int status) {
        if (r.status() != status) problems.add(what + ": expected " + status + ", got " + r.status() + " " + r.text());
        else if (r.error() == null || r.error().isBlank()) problems.add(what + ": " + status + " without an error message");
    }

    private static String snapshot(TestServer t, String admin) {
        return t.get("/api/v1/storage-groups", admin).text() + t.get("/api/v1/containers", admin).text()
                + t.get("/api/v1/users", admin).text() + t.get("/api/v1/jobs", admin).text();
    }
}
