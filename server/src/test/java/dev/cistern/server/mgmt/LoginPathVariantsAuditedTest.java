package dev.cistern.server.mgmt;

import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.health.Event;
import dev.cistern.server.health.HealthStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The router takes {@code /api/v1/login/} (a trailing slash) for {@code /api/v1/login}; the audit must too, or
 * password guesses sent that way leave no failed-login event (and successes no login event).
 */
class LoginPathVariantsAuditedTest {
    @TempDir
    Path dir;

    private static List<String> events(HealthStore store, String type) throws InterruptedException {
        List<String> found = List.of();
        // recorded just before the answer; a moment more for the store
        for (int i = 0; i < 20 && found.isEmpty(); i++) {
            if (i > 0) Thread.sleep(50);
            found = store.events(type, 100).stream().map(e -> e.user() + " " + e.message()).toList();
        }
        return found;
    }

    @Test
    void aLoginWithATrailingSlashIsAuditedAsALogin() throws Exception {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), ServeCommand::openEngine)) {
            HealthStore store = t.server.management().store();
            assertThat(t.send("POST", "/api/v1/login/", null, "{\"user\":\"operator\",\"password\":\"wrong-password\"}").status())
                    .as("the router serves the login there").isEqualTo(401);
            assertThat(events(store, "login-failed")).containsExactly("operator wrong user name or password, from 127.0.0.1");
            assertThat(t.send("POST", "/api/v1/login/", null, "{\"user\":\"monitor\",\"password\":\"password-monitor\"}").status())
                    .isEqualTo(200);
            assertThat(events(store, "login")).containsExactly("monitor logged in from 127.0.0.1");
        }
    }
}
