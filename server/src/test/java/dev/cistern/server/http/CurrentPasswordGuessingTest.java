package dev.cistern.server.http;

import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.TestServer.Reply;
import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changing one's own password checks the current one: that is a password check like a login's, and a stolen
 * token must not turn it into a way around the name's login back-off ({@link LoginThrottle}). Wrong current
 * passwords count as failed logins of the name, and a name in back-off is refused (429) before the check,
 * except from an address the name logged in from.
 */
class CurrentPasswordGuessingTest {
    private static final String ELSEWHERE = "127.0.0.9";
    private static final String PATH = "/api/v1/users/monitor/password";

    @TempDir
    Path dir;
    TestServer t;
    String token;
    // stands still, so a back-off lasts for the whole test
    final MutableClock clock = new MutableClock();

    @BeforeEach
    void start() {
        t = new TestServer(ServerSettings.forTests(dir).withClock(clock), ServeCommand::openEngine);
        token = t.login("monitor"); // from 127.0.0.1, which becomes a known address of "monitor"
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private static String change(String current) {
        return "{\"currentPassword\":\"" + current + "\",\"password\":\"new-password-1\"}";
    }

    @Test
    void guessingTheCurrentPasswordWithAStolenTokenRunsIntoTheNamesBackOff() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) statuses.add(t.sendFrom(ELSEWHERE, "PUT", PATH, token, change("guess-" + i)).status());
        assertThat(statuses).as("wrong current passwords from an address the name never logged in from")
                .startsWith(403, 403, 403, 403, 403).contains(429);
        assertThat(statuses.subList(statuses.indexOf(429), statuses.size())).as("the back-off holds").containsOnly(429);

        Reply right = t.sendFrom(ELSEWHERE, "PUT", PATH, token, change("password-monitor"));
        assertThat(right.status()).as("even the right one is not checked during the back-off: %s", right.text()).isEqualTo(429);
        assertThat(right.header("Retry-After")).matches("[1-9][0-9]*");
        assertThat(t.sendFrom(ELSEWHERE, "POST", "/api/v1/login", null,
                "{\"user\":\"monitor\",\"password\":\"password-monitor\"}").status())
                .as("the guesses were failures of the name: logins from there are held back too").isEqualTo(429);

        assertThat(t.send("PUT", PATH, token, change("password-monitor")).status())
                .as("the user, from the address it logged in from, still changes its password").isEqualTo(204);
    }
}
