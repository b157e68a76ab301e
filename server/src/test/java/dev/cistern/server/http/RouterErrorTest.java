package dev.cistern.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.config.ConfigStore;
import dev.cistern.server.config.PasswordHasher;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A handler that throws an Error still gets its request answered (500), not left hanging. */
class RouterErrorTest {
    @TempDir
    Path dir;

    @Test
    void anErrorInAHandlerIsAnswered500() throws Exception {
        ConfigService config = new ConfigService(new ConfigStore(dir.resolve("c.json")), new PasswordHasher(1), Clock.systemUTC());
        Router router = new Router(config);
        // seen when the jar was rebuilt under a running server: NoClassDefFoundError, and 's3-key add' hung
        router.add("POST", "/api/v1/linkage", Access.PUBLIC, req -> {
            throw new NoClassDefFoundError("dev/cistern/server/http/api/S3KeyResource$CreateRequest");
        });
        router.add("GET", "/api/v1/deep", Access.PUBLIC, req -> {
            throw new StackOverflowError();
        });
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", router);
        server.start();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpResponse<String> linkage = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/linkage"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(linkage.statusCode()).isEqualTo(500);
            assertThat(linkage.body()).contains("internal error").contains("NoClassDefFoundError");
            HttpResponse<String> deep = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/deep"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(deep.statusCode()).isEqualTo(500);
        } finally {
            server.stop(0);
        }
    }
}
