package dev.cistern.server.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;

/**
 * Wraps everything on the HTTPS port (API, {@code /metrics}, UI files, and their error answers) so every
 * response carries the browser hardening headers, whichever handler wrote it:
 * <ul>
 *   <li>{@code Strict-Transport-Security}: the port only speaks HTTPS; a browser that has seen it once
 *       never tries plain HTTP to it;</li>
 *   <li>{@code X-Content-Type-Options: nosniff}: JSON and text that repeat a client's input (error messages)
 *       are never sniffed into HTML or script;</li>
 *   <li>{@code Content-Security-Policy} with {@code frame-ancestors 'none'} and {@code X-Frame-Options: DENY}:
 *       no page can frame the UI (clickjacking); API answers may load nothing at all. {@link StaticFiles}
 *       replaces the policy with the UI's own for the files it serves;</li>
 *   <li>{@code Referrer-Policy: no-referrer}: the server's address and paths do not leak to other sites.</li>
 * </ul>
 * Headers are set before the wrapped handler runs, so a handler may still replace one.
 */
public final class SecurityHeaders implements HttpHandler {
    static final String HSTS = "max-age=31536000";
    static final String API_CSP = "default-src 'none'; frame-ancestors 'none'";

    private final HttpHandler next;

    public SecurityHeaders(HttpHandler next) {
        this.next = next;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Strict-Transport-Security", HSTS);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        h.set("Content-Security-Policy", API_CSP);
        h.set("Referrer-Policy", "no-referrer");
        next.handle(ex);
    }
}
