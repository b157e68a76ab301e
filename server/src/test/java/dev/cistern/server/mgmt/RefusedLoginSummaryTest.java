package dev.cistern.server.mgmt;

import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import dev.cistern.server.health.Event;
import dev.cistern.server.health.HealthStore;
import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Refusals beyond the minute's share are counted, and the count must become an event even when the attack
 * stops: at the first health check after the minute ends, and at the latest when the server stops.
 */
class RefusedLoginSummaryTest {
    private static final String LOGIN = "/api/v1/login";
    private static final String WRONG = "{\"user\":\"admin\",\"password\":\"wrong-wrong\"}";
    private static final String COUNTED = "more logins refused before the password check";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();

    /** Wrong passwords up to the name's back-off, then refusals: the back-off lasts while the test clock stands still. */
    private static void attack(TestServer t, int refusals) {
        int wrong = 0;
        while (t.send("POST", LOGIN, null, WRONG).status() == 401) assertThat(++wrong).as("wrong passwords before the back-off").isLessThan(10);
        for (int i = 1; i < refusals; i++) assertThat(t.send("POST", LOGIN, null, WRONG).status()).isEqualTo(429);
    }

    private static List<String> summaries(HealthStore store) {
        return store.events("login-failed", 1000).stream().map(Event::message).filter(m -> m.contains(COUNTED)).toList();
    }

    @Test
    void theCountIsRecordedAfterTheMinuteWithoutAnotherRefusal() throws Exception {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir).withClock(clock), MgmtSettings.forTests(),
                ServeCommand::openEngine)) {
            HealthStore store = t.server.management().store();
            attack(t, AuditFilter.REFUSED_PER_MINUTE + 12);
            Thread.sleep(1_000); // several health checks (every 200 ms), all within the minute
            assertThat(summaries(store)).as("nothing summed up within the minute").isEmpty();

            clock.advance(Duration.ofSeconds(61));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (summaries(store).isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(summaries(store)).as("summed up by a health check after the minute").singleElement().asString()
                    .startsWith("12 " + COUNTED).contains("from 1 addresses for 1 names");
        }
    }

    @Test
    void theCountIsRecordedWhenTheServerStops() {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir).withClock(clock), ServeCommand::openEngine)) {
            attack(t, AuditFilter.REFUSED_PER_MINUTE + 5);
            assertThat(summaries(t.server.management().store())).isEmpty();
        }
        HealthStore reopened = new HealthStore(dir.resolve("health"), clock, Duration.ofDays(90), 1000);
        assertThat(summaries(reopened)).as("summed up at the stop, within the minute").singleElement().asString()
                .startsWith("5 " + COUNTED);
    }
}
