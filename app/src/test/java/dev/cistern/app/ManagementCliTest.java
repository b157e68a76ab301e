package dev.cistern.app;

import dev.cistern.engine.StreamWriter;
import dev.cistern.server.CisternServer;
import dev.cistern.server.ServeCommand;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.config.Role;
import dev.cistern.server.mgmt.MgmtSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** 'cistern alerts', 'alerts ack', 'events' and 'logs' against a live server: tables, --json, refusals by role. */
class ManagementCliTest {
    @TempDir
    Path dir;
    CisternServer server;
    Path config;
    Map<String, String> env;

    @BeforeEach
    void start() {
        server = CisternServer.create(ServerSettings.forTests(dir.resolve("data")), MgmtSettings.forTests(),
                ServeCommand::openEngine, List.of()).start();
        for (Role r : Role.values()) server.config().addUser(r.wireName(), r, ("password-" + r.wireName()).toCharArray());
        config = dir.resolve("cli-config");
        env = Map.of("CISTERN_SERVER", "https://127.0.0.1:" + server.httpPort());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    CliRun as(String user, String... args) {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("CISTERN_USER", user);
        e.put("CISTERN_PASSWORD", "password-" + user);
        e.put("CISTERN_FINGERPRINT", server.tls().fingerprint());
        return CliRun.run(config, e, "", args);
    }

    @Test
    void alertsAreListedAndAcknowledgedByWritersOnly() throws Exception {
        assertThat(as("operator", "storage-group", "add", "tight", "--quota", "1M", "--compression", "none").exit()).isZero();
        assertThat(as("operator", "container", "add", "dump", "--storage-group", "tight", "--protocol", "client").exit()).isZero();
        byte[] data = new byte[950 << 10];
        new Random(1).nextBytes(data);
        try (StreamWriter w = server.engine().engine().openContainer("dump").create("x")) {
            w.write(data, 0, data.length);
            w.commit(Map.of());
        }
        server.management().health().checkOnce();

        CliRun list = as("monitor", "alerts");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).startsWith("ID").contains("WARNING").contains("storage group 'tight' has used");
        Matcher m = Pattern.compile("(?m)^(\\d+) +WARNING +open +- .*'tight'").matcher(list.out());
        assertThat(m.find()).as(list.out()).isTrue();
        String id = m.group(1);

        CliRun refused = as("monitor", "alerts", "ack", id);
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.errLines()).singleElement().asString().startsWith("cistern: ").contains("monitor").contains("[HTTP 403]");

        CliRun ack = as("operator", "alerts", "ack", id);
        assertThat(ack.exit()).as(ack.err()).isZero();
        assertThat(ack.out()).startsWith("Acknowledged alert " + id + ": storage group 'tight'");
        assertThat(as("monitor", "alerts", "--active").out()).doesNotContain("'tight'");
        CliRun json = as("monitor", "--json", "alerts", "--all");
        assertThat(json.out()).contains("\"acknowledgedBy\" : \"operator\"");
        assertThat(as("operator", "alerts", "ack", "424242").err()).contains("alert 424242 not found");
        assertThat(as("operator", "alerts", "--all", "--active").exit()).isEqualTo(2);
    }

    @Test
    void eventsShowWhoChangedWhat() throws Exception {
        assertThat(as("operator", "storage-group", "add", "photos").exit()).isZero();
        assertThat(as("operator", "container", "add", "phone", "--storage-group", "photos", "--protocol", "s3").exit()).isZero();
        CliRun events = as("monitor", "events", "--type", "container");
        for (int i = 0; i < 50 && !events.out().contains("'phone'"); i++) {
            Thread.sleep(100); // events are recorded just after the response goes out
            events = as("monitor", "events", "--type", "container");
        }
        assertThat(events.exit()).as(events.err()).isZero();
        assertThat(events.out()).startsWith("TIME").containsPattern("container +operator +created container 'phone'");
        CliRun all = as("monitor", "events", "-n", "500");
        assertThat(all.out()).containsPattern("login +operator +logged in").containsPattern("config +operator +POST /api/v1/storage-groups \\(photos\\)");
        assertThat(as("monitor", "events", "-n", "0").err()).contains("invalid limit '0'");
    }

    @Test
    void logsPrintTheEndOfAServiceLogAndRefuseUnknownOnes() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("data").resolve("logs"));
        Files.writeString(logs.resolve("audit.log"), "first line\nsecond line\nthird line\n");
        CliRun tail = as("operator", "logs", "--service", "audit", "-n", "2");
        assertThat(tail.exit()).as(tail.err()).isZero();
        assertThat(tail.out()).isEqualTo("second line\nthird line\n");
        CliRun unknown = as("operator", "logs", "--service", "nope");
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.err()).contains("no log 'nope'").contains("audit").contains("[HTTP 404]");
        assertThat(as("monitor", "logs").err()).as("logs name users and objects: not for monitors").contains("[HTTP 403]");
        assertThat(as("operator", "logs", "--service", "engine").out()).as("a log not written yet is empty").isEmpty();
    }
}
