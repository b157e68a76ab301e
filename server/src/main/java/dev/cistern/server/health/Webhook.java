package dev.cistern.server.health;

import dev.cistern.server.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Posts each new alert as JSON to a configured URL. Delivery is best effort and asynchronous: a chat server that
 * is down must not slow the health checks, so failures are logged and the alert stays in the database.
 * Logs name the webhook by {@link #redacted its host only}: the path of a chat webhook is its secret.
 */
public final class Webhook {
    private static final Logger log = LoggerFactory.getLogger(Webhook.class);

    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public Webhook(URI url) {
        this.url = url;
    }

    public void send(Alert alert) {
        byte[] body;
        try {
            body = Json.mapper().writeValueAsBytes(java.util.Map.of("source", "cistern", "alert", alert));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            log.error("cannot encode alert {} for the webhook", alert.id(), e);
            return;
        }
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            if (err != null) log.warn("webhook {} failed for alert {}: {}", redacted(url), alert.id(), err.toString());
            else if (resp.statusCode() >= 300) log.warn("webhook {} answered HTTP {} for alert {}", redacted(url), resp.statusCode(), alert.id());
        });
    }

    /**
     * {@code url} as a log may show it: scheme, host and port. The path and query of a Slack, Teams or Discord
     * webhook are the credential that lets anyone post to the channel, and the logs are readable by operators
     * over the API ({@code GET /api/v1/logs}), who may not read the management settings.
     */
    static String redacted(URI url) {
        String rest = (url.getRawPath() == null || url.getRawPath().isEmpty() || url.getRawPath().equals("/")) && url.getRawQuery() == null
                ? "" : "/...";
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + rest;
    }
}
