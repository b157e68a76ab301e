package dev.cistern.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cistern.engine.EngineException;
import dev.cistern.server.Json;
import dev.cistern.server.config.ConfigException;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.config.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Dispatches {@code /api/v1} requests to routes: finds the route, checks the bearer token and the caller's
 * role, runs the handler, and turns every failure into a JSON {@code {"error": "..."}} with the status from
 * {@link ErrorStatus}. Handlers therefore only throw; none writes an error response itself. Successful changes
 * (anything but GET) are logged at INFO with the user who made them, as an audit trail.
 */
public final class Router implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    /** Exchange attribute naming the authenticated user, for the audit line of successful changes. */
    private static final String CALLER = "cistern.caller";
    /**
     * Exchange attribute: an {@code IntConsumer} called with the status just before the answer is sent (the
     * audit record, written before a change is acknowledged). A failure in it is logged; the answer still goes.
     */
    public static final String BEFORE_RESPONSE = "cistern.beforeResponse";

    private final List<Route> routes = new ArrayList<>();
    private final ConfigService config;

    public Router(ConfigService config) {
        this.config = config;
    }

    public Router add(String method, String template, Access access, Handler handler) {
        routes.add(new Route(method, template, access, handler));
        return this;
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getRawPath();
        int status;
        Object body;
        try {
            Response r = dispatch(ex, method, path);
            status = r.status();
            body = r.body();
        } catch (ApiException e) {
            status = e.status();
            body = error(e.getMessage());
            if (e.retryAfterSeconds() > 0) ex.getResponseHeaders().set("Retry-After", Long.toString(e.retryAfterSeconds()));
        } catch (EngineException e) {
            status = ErrorStatus.of(e.reason());
            body = error(e.getMessage());
        } catch (ConfigException e) {
            status = ErrorStatus.of(e.kind());
            body = error(e.getMessage());
        } catch (Exception | LinkageError | StackOverflowError e) {
            // errors too: an Error thrown by a handler (a class that no longer loads, a runaway recursion)
            // ended the exchange's thread with no answer, and the client waited for its timeout
            log.error("{} {} failed", method, path, e);
            status = 500;
            body = error("internal error while handling " + method + " " + path + ": " + e
                    + "; see the server log for details");
        }
        if (status == 401) ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"cistern\"");
        Object who = ex.getAttribute(CALLER);
        if (status >= 500) log.warn("{} {} by {} -> {}", method, path, who, status);
        else if (!method.equals("GET") && status < 400 && who != null) log.info("{} {} by {} -> {}", method, path, who, status);
        else log.debug("{} {} by {} -> {}", method, path, who, status);
        write(ex, status, body);
    }

    private Response dispatch(HttpExchange ex, String method, String path) throws Exception {
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = r.match(path);
            if (params == null) continue;
            if (!r.method().equals(method)) {
                allowed.add(r.method());
                continue;
            }
            Principal p = authorize(ex, r);
            if (p != null) ex.setAttribute(CALLER, p.user());
            ApiRequest req = new ApiRequest(method, path, params, ex.getRequestURI().getRawQuery(), p,
                    ex.getRemoteAddress().getAddress(), ex.getRequestBody());
            return r.handler().handle(req);
        }
        if (!allowed.isEmpty()) {
            ex.getResponseHeaders().set("Allow", String.join(", ", allowed));
            throw new ApiException(405, "method " + method + " not allowed on " + path + "; use " + String.join(", ", allowed));
        }
        throw ApiException.notFound("no endpoint " + method + " " + path + "; see /api/v1/openapi.json");
    }

    private Principal authorize(HttpExchange ex, Route r) {
        if (r.access() == Access.PUBLIC) return null;
        String h = ex.getRequestHeaders().getFirst("Authorization");
        String token = h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
        Principal p = config.authenticate(token);
        if (!r.access().allows(p.role())) {
            throw ApiException.forbidden("user '" + p.user() + "' has role " + p.role().wireName() + ", which may not "
                    + r.method() + " " + r.template() + " (needs " + (r.access() == Access.ADMIN ? "admin" : "admin or operator") + ")");
        }
        return p;
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message == null ? "unknown error" : message);
    }

    private static void write(HttpExchange ex, int status, Object body) throws IOException {
        if (ex.getAttribute(BEFORE_RESPONSE) instanceof java.util.function.IntConsumer hook) {
            try {
                hook.accept(status);
            } catch (RuntimeException e) {
                log.error("recording {} {} -> {} failed", ex.getRequestMethod(), ex.getRequestURI().getRawPath(), status, e);
            }
        }
        try (ex) {
            if (body == null || status == 204) {
                ex.sendResponseHeaders(status, -1);
                return;
            }
            byte[] bytes = body instanceof byte[] b ? b : Json.mapper().writeValueAsBytes(body);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
