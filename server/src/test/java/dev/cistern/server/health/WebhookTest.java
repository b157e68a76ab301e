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

    @Test
    void aFailedDeliveryIsLoggedWithoutTheWebhooksSecretPath() throws Exception {
        // operators read the logs over the API; the path of a chat webhook is what lets anyone post to it
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Webhook.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged = new ch.qos.logback.core.read.ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        HttpServer refusing = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        refusing.createContext("/", ex -> {
            ex.sendResponseHeaders(403, -1);
            ex.close();
        });
        refusing.start();
        try {
            String port = String.valueOf(refusing.getAddress().getPort());
            new Webhook(URI.create("http://127.0.0.1:" + port + "/services/T0/B0/SecretHookToken?key=k123"))
                    .send(new HealthStore(dir, new MutableClock(), Duration.ofDays(1), 100).raise("x", Alert.Severity.WARNING, "x").orElseThrow());
            for (int i = 0; i < 100 && logged.list.isEmpty(); i++) Thread.sleep(50);
            assertThat(logged.list).hasSize(1);
            String line = logged.list.getFirst().getFormattedMessage();
            assertThat(line).contains("http://127.0.0.1:" + port + "/...").contains("HTTP 403")
                    .doesNotContain("SecretHookToken").doesNotContain("k123");
        } finally {
            logger.detachAppender(logged);
            refusing.stop(0);
        }
    }
}
