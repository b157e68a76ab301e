package dev.cistern.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cistern.engine.Engine;
import dev.cistern.server.config.Role;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * A real server on a free loopback port with three users (admin, operator, monitor; password
 * "password-&lt;name&gt;"), and an HTTPS client that trusts exactly its certificate.
 */
public final class TestServer implements AutoCloseable {
    public final CisternServer server;
    private final SSLContext ssl;
    private final HttpClient client;
    private final java.util.Map<String, HttpClient> clientsFrom = new java.util.concurrent.ConcurrentHashMap<>();

    public record Reply(int status, JsonNode json, String text, java.net.http.HttpHeaders headers) {
        /** A response header's first value, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String error() {
            return json == null || json.get("error") == null ? null : json.get("error").asText();
        }
    }

    public TestServer(ServerSettings settings, Function<Path, Engine> opener) {
        this(settings, dev.cistern.server.mgmt.MgmtSettings.defaults(), opener, List.of());
    }

    public TestServer(ServerSettings settings, Function<Path, Engine> opener, List<ProtocolFrontEnd> frontEnds) {
        this(settings, dev.cistern.server.mgmt.MgmtSettings.defaults(), opener, frontEnds);
    }

    /** With the management plane's settings (fast sampling for chart tests, a webhook...). */
    public TestServer(ServerSettings settings, dev.cistern.server.mgmt.MgmtSettings mgmt, Function<Path, Engine> opener) {
        this(settings, mgmt, opener, List.of());
    }

    public TestServer(ServerSettings settings, dev.cistern.server.mgmt.MgmtSettings mgmt, Function<Path, Engine> opener,
                      List<ProtocolFrontEnd> frontEnds) {
        server = CisternServer.create(settings, mgmt, opener, frontEnds).start();
        if (!server.config().hasUsers()) {
            for (Role r : Role.values()) server.config().addUser(r.wireName(), r, ("password-" + r.wireName()).toCharArray());
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(server.tls().trustStore());
            ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "https://127.0.0.1:" + server.httpPort();
    }

    public String login(String user) {
        Reply r = send("POST", "/api/v1/login", null, "{\"user\":\"" + user + "\",\"password\":\"password-" + user + "\"}");
        if (r.status() != 200) throw new IllegalStateException("login of " + user + " failed: " + r.text());
        return r.json().get("token").asText();
    }

    public Reply get(String path, String token) {
        return send("GET", path, token, null);
    }

    /** Job {@code id} once it has ended (or still running after 10 s, for the caller's assertion to name). */
    public JsonNode awaitJob(long id, String token) throws InterruptedException {
        JsonNode job = get("/api/v1/jobs/" + id, token).json();
        for (int i = 0; i < 400 && job.get("state").asText().equals("running"); i++) {
            Thread.sleep(25);
            job = get("/api/v1/jobs/" + id, token).json();
        }
        return job;
    }

    public Reply send(String method, String path, String token, String json) {
        return send(client, method, path, token, json);
    }

    /**
     * {@link #send} from another loopback address ("127.0.0.2"...), as a second machine would: the server
     * listens on 127.0.0.1 and sees the request come from {@code localAddress}.
     */
    public Reply sendFrom(String localAddress, String method, String path, String token, String json) {
        return sendFrom(localAddress, method, path, token, json, java.util.Map.of());
    }

    /** {@link #sendFrom} with extra request headers (ones the client may set, as {@code X-Forwarded-For}). */
    public Reply sendFrom(String localAddress, String method, String path, String token, String json,
                          java.util.Map<String, String> headers) {
        HttpClient c = clientsFrom.computeIfAbsent(localAddress, a -> {
            try {
                return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5))
                        .localAddress(java.net.InetAddress.getByName(a)).build();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException(a, e);
            }
        });
        return send(c, method, path, token, json, headers);
    }

    private Reply send(HttpClient client, String method, String path, String token, String json) {
        return send(client, method, path, token, json, java.util.Map.of());
    }

    private Reply send(HttpClient client, String method, String path, String token, String json,
                       java.util.Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (json != null) b.header("Content-Type", "application/json");
        headers.forEach(b::header);
        try {
            HttpResponse<String> resp = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            String body = resp.body();
            String type = resp.headers().firstValue("Content-Type").orElse("");
            JsonNode node = body == null || body.isEmpty() || !type.startsWith("application/json") ? null : Json.mapper().readTree(body);
            return new Reply(resp.statusCode(), node, body, resp.headers());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
