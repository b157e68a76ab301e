package dev.cistern.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
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
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
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
            String token = loginWithin(base, Duration.ofSeconds(90));
            assertThat(send(base + "/storage-groups", "POST", token, "{\"name\":\"kept\"}").statusCode()).isEqualTo(201);

            long firstPid = w.child().pid();
            w.child().destroyForcibly();
            String again = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (again == null && System.nanoTime() < deadline) {
                Thread.sleep(250);
                Process c = w.child();
                if (c != null && c.pid() != firstPid) again = loginWithin(base, Duration.ofSeconds(60));
            }
            assertThat(again).as("the server is back under a new pid").isNotNull();
            assertThat(send(base + "/storage-groups", "GET", again, null).body()).contains("\"kept\"");
            assertThat(send(base + "/alerts", "GET", again, null).body()).contains("unclean-shutdown");
            assertThat(send(base + "/events?type=alert", "GET", again, null).body()).contains("ended without stopping");
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

    private static String loginWithin(String base, Duration d) throws Exception {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = send(base + "/login", "POST", null, "{\"user\":\"admin\",\"password\":\"watch-test-password\"}");
                if (r.statusCode() == 200) return r.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
            } catch (java.io.IOException notYet) {
                // the server is still starting
            }
            Thread.sleep(250);
        }
        return null;
    }

    private static HttpResponse<String> send(String url, String method, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (json != null) b.header("Content-Type", "application/json");
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Loopback test server with a fresh self-signed certificate: trust it blindly here (pinning is tested elsewhere). */
    private static final HttpClient CLIENT = client();

    private static HttpClient client() {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[]{new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) { }
                public void checkServerTrusted(X509Certificate[] c, String a) { }
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
