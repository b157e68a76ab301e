package dev.cistern.server.mgmt;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.cistern.engine.CleanMode;
import dev.cistern.server.Json;
import dev.cistern.server.config.ConfigService;
import dev.cistern.server.config.Principal;
import dev.cistern.server.health.HealthStore;
import dev.cistern.server.http.AddressThrottle;
import dev.cistern.server.http.Route;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.api.Resources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Wraps the REST API to keep the record: every administrative request (anything but GET) goes to the audit log
 * with who did it and how it ended; logins, failed logins (including those refused by the API's login
 * throttle), configuration changes and container creation and deletion become events.
 *
 * <p>A wrapper rather than code in each resource, so no resource can forget it. The record is written once the
 * status is known and before the answer goes out ({@link Router#BEFORE_RESPONSE}): a change a client saw
 * acknowledged is in the audit log and the events even if the server dies right after, and a client that lists
 * events after its answer finds its own. The request body is buffered
 * (the API refuses bodies over 1 MiB anyway) to read the user or object name, and a clean's mode; passwords are
 * never logged.
 *
 * <p>Each line and login event names the client address: the peer of the TLS connection, never a header such as
 * {@code X-Forwarded-For}, which the client writes itself (the server terminates TLS and has no trusted proxy).
 * Logins refused with 429 cost an attacker nothing, so beyond {@code REFUSED_PER_MINUTE} a minute they are
 * counted into one event rather than recorded one by one ({@link RefusedLogins}).
 */
public final class AuditFilter implements HttpHandler {
    private static final Logger audit = LoggerFactory.getLogger("cistern.audit");
    private static final int MAX_BODY = (1 << 20) + 1;
    private static final String LOGIN = Resources.BASE + "/login";
    private static final String CONTAINERS = Resources.BASE + "/containers";
    private static final String CLEAN = Resources.BASE + "/clean";
    public static final int REFUSED_PER_MINUTE = 30;

    private final HttpHandler api;
    private final ConfigService config;
    private final HealthStore health;
    private final RefusedLogins refused;

    /** {@code refused} is the management plane's, so a count outlives a restart of the API and is summed up at its stop. */
    AuditFilter(HttpHandler api, ConfigService config, HealthStore health, RefusedLogins refused) {
        this.api = api;
        this.config = config;
        this.health = health;
        this.refused = refused;
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
            api.handle(ex);
            return;
        }
        // as the router matches it, or a login sent to /api/v1/login/ would be audited as no login at all
        String path = Route.canonical(ex.getRequestURI().getRawPath());
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY);
        ex.setStreams(new ByteArrayInputStream(body), null);
        String nameInBody = field(body, path.equals(LOGIN) ? "user" : "name");
        String client = AddressThrottle.key(ex.getRemoteAddress().getAddress());
        if (path.equals(LOGIN)) {
            login(ex, nameInBody, client);
            return;
        }
        String user = caller(ex);
        // a full clean can copy most of the store: the record says which one was asked for
        String detail = path.equals(CLEAN) && method.equals("POST") ? cleanMode(body) : null;
        beforeAnswer(ex, status -> record(user, client, method, path, nameInBody, status == 400 ? null : detail, status));
    }

    /**
     * Runs the API with {@code record} called with the status just before the answer is sent; after it, if the
     * answer went out another way (an I/O failure before the router's write).
     */
    private void beforeAnswer(HttpExchange ex, java.util.function.IntConsumer record) throws IOException {
        java.util.concurrent.atomic.AtomicBoolean recorded = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.function.IntConsumer once = status -> {
            if (recorded.compareAndSet(false, true)) record.accept(status);
        };
        ex.setAttribute(Router.BEFORE_RESPONSE, once);
        try {
            api.handle(ex);
        } finally {
            if (!recorded.get() && ex.getResponseCode() > 0) once.accept(ex.getResponseCode());
        }
    }

    /** {@code detail}: what else the request asked for ({@code mode=full}), or null. */
    private void record(String user, String client, String method, String path, String nameInBody, String detail, int status) {
        audit.info("user={} from={} {} {} -> {}{}{}", user, client, method, path, status,
                nameInBody == null ? "" : " name=" + nameInBody, detail == null ? "" : " " + detail);
        if (status >= 300 || user == null) return;
        if (path.equals(CONTAINERS) && method.equals("POST")) {
            health.event("container", user, "created container '" + nameInBody + "'");
        } else if (path.startsWith(CONTAINERS + "/") && method.equals("DELETE")) {
            health.event("container", user, "deleted container '" + lastSegment(path) + "'");
        } else if (!path.equals(Resources.BASE + "/logout") && !path.startsWith(Resources.BASE + "/alerts/")) {
            // acknowledgements are recorded by the alerts database itself, with the alert's text
            health.event("config", user, method + " " + path + (nameInBody == null ? "" : " (" + nameInBody + ")")
                    + (detail == null ? "" : " " + detail));
        }
    }

    private void login(HttpExchange ex, String user, String client) throws IOException {
        String who = user == null ? "?" : user;
        beforeAnswer(ex, status -> recordLogin(who, client, status));
    }

    private void recordLogin(String who, String client, int status) {
        audit.info("user={} from={} POST {} -> {}", who, client, LOGIN, status);
        if (status == 200) health.event("login", who, "logged in from " + client);
        else if (status == 401) health.event("login-failed", who, "wrong user name or password, from " + client);
        else if (status == 429) {
            RefusedLogins.Decision d = refused.refused(who, client);
            if (d.summary() != null) health.event("login-failed", null, d.summary());
            if (d.record()) {
                health.event("login-failed", who, "refused before the password check, from " + client
                        + ": too many failed logins (for the name or from the address) or too many logins at once"
                        + (d.lastOfMinute() ? "; more refusals this minute are counted, not recorded one by one" : ""));
            }
        }
    }

    private String caller(HttpExchange ex) {
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
        try {
            Principal p = config.authenticate(h.substring(7).trim());
            return p.user();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String field(byte[] body, String name) {
        if (body.length == 0) return null;
        try {
            JsonNode n = Json.mapper().readTree(body);
            // clipped: the audit log and the events keep a name, not whatever a client sent as one
            return n != null && n.hasNonNull(name) && n.get(name).isTextual() ? ConfigService.clip(n.get(name).asText()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The body of {@code POST /clean} as the API reads it ({@code JobResource.CleanRequest}). */
    private record CleanBody(Boolean full) {
    }

    /**
     * {@code mode=full} or {@code mode=threshold} as the clean's body asks (none, {@code {}} or a null or false
     * {@code full} is a threshold clean), or null for a body the API refuses as malformed. Read with the API's
     * mapper into the same shape, so every spelling the API accepts ({@code "true"} is a Boolean to it) is
     * named as the mode it runs.
     */
    private static String cleanMode(byte[] body) {
        CleanMode mode = CleanMode.THRESHOLD;
        if (body.length > 0) {
            try {
                CleanBody b = Json.mapper().readValue(body, CleanBody.class);
                if (b == null) return null;
                if (Boolean.TRUE.equals(b.full())) mode = CleanMode.FULL;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
        return "mode=" + mode.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String lastSegment(String path) {
        return java.net.URLDecoder.decode(path.substring(path.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    }
}
