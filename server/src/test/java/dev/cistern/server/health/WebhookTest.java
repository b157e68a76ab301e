package dev.cistern.server.health;

import com.sun.net.httpserver.HttpServer;
import dev.cistern.server.service.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** New alerts are POSTed to the webhook as JSON; refreshing an open alert posts nothing. */
class WebhookTest {
    @TempDir
    Path dir;

    @Test
    void eachNewAlertIsPostedOnce() throws Exception {
        BlockingQueue<String> received = new ArrayBlockingQueue<>(10);
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", ex -> {
            received.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        hook.start();
        try {
            HealthStore store = new HealthStore(dir, new MutableClock(), Duration.ofDays(1), 100);
            store.onRaise(new Webhook(URI.create("http://127.0.0.1:" + hook.getAddress().getPort() + "/hook"))::send);
            store.raise("capacity", Alert.Severity.CRITICAL, "disk 95% full");
            store.raise("capacity", Alert.Severity.CRITICAL, "disk 96% full");

            String first = received.poll(10, TimeUnit.SECONDS);
            assertThat(first).startsWith("POST application/json ").contains("\"source\":\"cistern\"")
                    .contains("\"severity\":\"critical\"").contains("disk 95% full");
            assertThat(received.poll(500, TimeUnit.MILLISECONDS)).as("a refreshed alert is not posted again").isNull();
        } finally {
            hook.stop(0);
        }
    }
}
