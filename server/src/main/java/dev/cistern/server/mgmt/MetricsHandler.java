package dev.cistern.server.mgmt;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cistern.server.config.ConfigException;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.health.Alert;
import dev.cistern.server.health.HealthStore;
import dev.cistern.server.monitor.MonitorService;
import dev.cistern.server.monitor.PrometheusText;
import dev.cistern.server.service.Health;
import dev.cistern.server.service.ServiceRegistry;
import dev.cistern.server.service.ServiceStatus;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /metrics} in the Prometheus text format. Like every endpoint it needs a bearer token (any role):
 * Prometheus sends one with {@code authorization: {credentials_file: ...}} in its scrape config.
 */
public final class MetricsHandler implements HttpHandler {
    private final ConfigService config;
    private final MonitorService monitor;
    private final ServiceRegistry services;
    private final HealthStore health;

    public MetricsHandler(ConfigService config, MonitorService monitor, ServiceRegistry services, HealthStore health) {
        this.config = config;
        this.monitor = monitor;
        this.services = services;
        this.health = health;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                ex.getResponseHeaders().set("Allow", "GET");
                send(ex, 405, "method " + ex.getRequestMethod() + " not allowed on /metrics; use GET\n");
                return;
            }
            String h = ex.getRequestHeaders().getFirst("Authorization");
            try {
                config.authenticate(h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null);
            } catch (ConfigException e) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"cistern\"");
                send(ex, 401, e.getMessage() + "\n");
                return;
            }
            Map<String, Boolean> up = new LinkedHashMap<>();
            for (ServiceStatus s : services.statuses()) up.put(s.name(), s.health().status() != Health.Status.DOWN);
            Map<String, Integer> alerts = new TreeMap<>();
            for (Alert.Severity sev : Alert.Severity.values()) alerts.put(sev.wireName(), 0);
            for (Alert a : health.alerts()) if (a.clearedAt() == null) alerts.merge(a.severity().wireName(), 1, Integer::sum);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            send(ex, 200, PrometheusText.render(monitor.latest(), up, alerts));
        }
    }

    private static void send(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (!ex.getResponseHeaders().containsKey("Content-Type")) ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }
}
