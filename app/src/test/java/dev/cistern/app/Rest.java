package dev.cistern.app;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;

/** JSON over HTTPS to a server started by a test (its REST API), and the free ports to start it on. */
final class Rest {
    private Rest() {
    }

    /** Loopback test server with a fresh self-signed certificate: trust it blindly here (pinning is tested elsewhere). */
    private static final HttpClient CLIENT = client();

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Logs in as {@code user} once the server answers; the token, or null if it did not within {@code d}. */
    static String loginWithin(String base, String user, String password, Duration d) throws Exception {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = send(base + "/login", "POST", null,
                        "{\"user\":\"" + user + "\",\"password\":\"" + password + "\"}");
                if (r.statusCode() == 200) return r.body().replaceAll(".*\"token\":\"([^\"]+)\".*", "$1");
            } catch (IOException notYet) {
                // the server is still starting
            }
            Thread.sleep(250);
        }
        return null;
    }

    static HttpResponse<String> send(String url, String method, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (json != null) b.header("Content-Type", "application/json");
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

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
