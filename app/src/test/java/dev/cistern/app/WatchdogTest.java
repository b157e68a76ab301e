package dev.cistern.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cistern watch} respawns a server JVM killed with SIGKILL; the new server records the crash as an alert and
 * an event, and what was configured before the kill is still there.
 */
class WatchdogTest {
    @TempDir
    Path dir;

    @Test
    void aKilledServerJvmIsRespawnedAndTheCrashIsRecorded() throws Exception {
        int port = Rest.freePort();
        Path pw = dir.resolve("admin-password");
        Files.writeString(pw, "watch-test-password\n");
        List<String> args = new java.util.ArrayList<>(List.of("--data", dir.resolve("data").toString(), "--http-port", "" + port,
                "--bind", "127.0.0.1", "--admin-password-file", pw.toString(), "--clean-hour", "-1"));
        // protocol front ends off: their default ports may be taken on a shared machine
        for (var fe : dev.cistern.server.ProtocolFrontEnds.all()) args.addAll(List.of("--" + fe.protocol() + "-port", "0"));
        Watchdog w = new Watchdog(args, System.err);
        Thread watch = Thread.ofPlatform().name("watch").start(w::watch);
        try {
            String base = "https://127.0.0.1:" + port + "/api/v1";
            String token = Rest.loginWithin(base, "admin", "watch-test-password", Duration.ofSeconds(90));
            assertThat(Rest.send(base + "/storage-groups", "POST", token, "{\"name\":\"kept\"}").statusCode()).isEqualTo(201);

            long firstPid = w.child().pid();
            w.child().destroyForcibly();
            String again = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (again == null && System.nanoTime() < deadline) {
                Thread.sleep(250);
                Process c = w.child();
                if (c != null && c.pid() != firstPid) {
                    again = Rest.loginWithin(base, "admin", "watch-test-password", Duration.ofSeconds(60));
                }
            }
            assertThat(again).as("the server is back under a new pid").isNotNull();
            assertThat(Rest.send(base + "/storage-groups", "GET", again, null).body()).contains("\"kept\"");
            assertThat(Rest.send(base + "/alerts", "GET", again, null).body()).contains("unclean-shutdown");
            assertThat(Rest.send(base + "/events?type=alert", "GET", again, null).body()).contains("ended without stopping");
        } finally {
            w.stop();
            watch.join(60_000);
        }
        assertThat(watch.isAlive()).isFalse();
        assertThat(w.child().isAlive()).isFalse();
    }

    @Test
    void aWatchStoppedBeforeItsFirstStartStartsNoServer() {
        Watchdog w = new Watchdog(List.of("--data", dir.resolve("never").toString()), System.err);
        w.stop();
        assertThat(w.watch()).isZero();
        assertThat(w.child()).isNull();
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void childrenGetTheServerHeapTheLauncherChose() {
        String before = System.getProperty("cistern.server.jvm");
        System.setProperty("cistern.server.jvm", " -XX:+UseG1GC -Xms1024m  -Xmx1024m ");
        try {
            List<String> cmd = new Watchdog(List.of("--data", "d"), System.err).childCommand();
            assertThat(cmd).containsSubsequence("-XX:+UseG1GC", "-Xms1024m", "-Xmx1024m", "serve", "--data", "d");
            assertThat(cmd).doesNotContain("");
        } finally {
            if (before == null) System.clearProperty("cistern.server.jvm");
            else System.setProperty("cistern.server.jvm", before);
        }
    }
}
