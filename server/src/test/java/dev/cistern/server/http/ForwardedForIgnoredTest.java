package dev.cistern.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server terminates TLS itself and has no trusted-proxy setting, so {@code X-Forwarded-For} (and its kin)
 * is whatever the client wrote: it must not change which address a login counts against, which address is
 * known for a name, or what the audit records.
 */
class ForwardedForIgnoredTest {
    private static final String LOGIN = "/api/v1/login";
    private static final String ATTACKER = "127.0.0.3";

    @TempDir
    Path dir;
    TestServer t;

    @BeforeEach
    void start() {
        t = new TestServer(ServerSettings.forTests(dir), ServeCommand::openEngine);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private static Map<String, String> spoofing(String address) {
        return Map.of("X-Forwarded-For", address, "X-Real-IP", address, "Forwarded", "for=" + address);
    }

    @Test
    void aForgedForwardedForNeitherEscapesTheAddressThrottleNorShowsInTheAudit() {
        int refusedAt = -1;
        for (int i = 0; i < 40 && refusedAt < 0; i++) {
            Reply r = t.sendFrom(ATTACKER, "POST", LOGIN, null, "{\"user\":\"spray-" + i + "\",\"password\":\"guess-guess\"}",
                    spoofing("10.9." + i + ".1"));
            if (r.status() == 429) {
                refusedAt = i;
                assertThat(r.error()).startsWith("too many failed logins from " + ATTACKER + " ");
            } else {
                assertThat(r.status()).isEqualTo(401);
            }
        }
        assertThat(refusedAt).as("the attempt refused by the throttle of " + ATTACKER).isEqualTo(30);

        String admin = t.login("admin");
        List<String> failed = new ArrayList<>();
        for (JsonNode e : t.get("/api/v1/events?type=login-failed&limit=100", admin).json()) failed.add(e.get("message").asText());
        assertThat(failed).hasSize(31).allMatch(m -> m.contains("from " + ATTACKER)).noneMatch(m -> m.contains("10.9."));
    }

    @Test
    void aForgedForwardedForDoesNotBorrowTheAdminsKnownAddress() {
        assertThat(t.sendFrom("127.0.0.2", "POST", LOGIN, null, "{\"user\":\"admin\",\"password\":\"password-admin\"}").status())
                .isEqualTo(200);
        for (int i = 0; i < 6; i++) {
            t.sendFrom(ATTACKER, "POST", LOGIN, null, "{\"user\":\"admin\",\"password\":\"guess-" + i + "\"}", spoofing("127.0.0.2"));
        }
        Reply r = t.sendFrom(ATTACKER, "POST", LOGIN, null, "{\"user\":\"admin\",\"password\":\"password-admin\"}", spoofing("127.0.0.2"));
        assertThat(r.status()).as("the right password from the attacker, claiming the admin's address: %s", r.text()).isEqualTo(429);
        assertThat(r.error()).startsWith("too many failed logins for user 'admin'");
        assertThat(t.sendFrom("127.0.0.2", "POST", LOGIN, null, "{\"user\":\"admin\",\"password\":\"password-admin\"}").status())
                .as("the admin's real address").isEqualTo(200);
    }
}
