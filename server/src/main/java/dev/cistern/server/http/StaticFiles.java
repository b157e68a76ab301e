package dev.cistern.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Serves the web UI's files from the class path (the {@code ui} module puts them under
 * {@code dev/cistern/server/ui/}). Unknown paths without a file extension get {@code index.html}, so a
 * bookmarked page of the single-page app loads. Only GET and HEAD; no directory listing; ".." refused.
 * Its Content-Security-Policy replaces the stricter one {@link SecurityHeaders} sets on everything else.
 */
public final class StaticFiles implements HttpHandler {
    static final String ROOT = "/dev/cistern/server/ui";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "json", "application/json", "map", "application/json");

    private final String root;

    public StaticFiles() {
        this(ROOT);
    }

    StaticFiles(String root) {
        this.root = root;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                send(ex, 405, "text/plain; charset=utf-8", "method " + method + " not allowed on UI files\n");
                return;
            }
            String path = ex.getRequestURI().getPath();
            if (path.contains("..") || path.contains("\\")) {
                send(ex, 400, "text/plain; charset=utf-8", "invalid path\n");
                return;
            }
            String file = path.equals("/") || path.lastIndexOf('.') < path.lastIndexOf('/') ? "/index.html" : path;
            byte[] body;
            try (InputStream in = StaticFiles.class.getResourceAsStream(root + file)) {
                if (in == null) {
                    if (file.equals("/index.html")) {
                        send(ex, 404, "text/plain; charset=utf-8", "the web UI is not part of this build (no "
                                + root + "/index.html on the class path); build the ui module or use the CLI\n");
                    } else {
                        send(ex, 404, "text/plain; charset=utf-8", "no such file: " + path + "\n");
                    }
                    return;
                }
                body = in.readAllBytes();
            }
            String ext = file.substring(file.lastIndexOf('.') + 1);
            ex.getResponseHeaders().set("Cache-Control", file.equals("/index.html") ? "no-cache" : "max-age=300");
            ex.getResponseHeaders().set("Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            if (method.equals("HEAD")) {
                ex.getResponseHeaders().set("Content-Type", TYPES.getOrDefault(ext, "application/octet-stream"));
                ex.sendResponseHeaders(200, -1);
                return;
            }
            send(ex, 200, TYPES.getOrDefault(ext, "application/octet-stream"), body);
        }
    }

    private static void send(HttpExchange ex, int status, String type, String text) throws IOException {
        send(ex, status, type, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
