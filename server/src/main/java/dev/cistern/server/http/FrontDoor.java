package dev.cistern.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;

/**
 * Everything on the HTTPS port: {@code /api/...} goes to the REST API, {@code /metrics} to the Prometheus
 * exporter, and anything else is a file of the web UI. The UI is static and talks to the API like any client,
 * so serving it needs no authentication; its data does.
 */
public final class FrontDoor implements HttpHandler {
    private final HttpHandler api;
    private final HttpHandler metrics;
    private final HttpHandler ui;

    public FrontDoor(HttpHandler api, HttpHandler metrics, HttpHandler ui) {
        this.api = api;
        this.metrics = metrics;
        this.ui = ui;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        if (path.startsWith("/api/")) api.handle(ex);
        else if (path.equals("/metrics")) metrics.handle(ex);
        else ui.handle(ex);
    }
}
