package dev.cistern.server.mgmt;

import dev.cistern.server.health.HealthStore;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.api.Resource;
import dev.cistern.server.http.api.Resources;
import java.util.List;

/** {@code GET /events?type=T&limit=N}: the newest events first (default 100, at most 10000). */
final class EventResource implements Resource {
    static final int MAX_LIMIT = 10_000;
    /** The types of the events recorded (by the audit filter, the health monitor and the alerts). */
    static final List<String> TYPES = List.of("login", "login-failed", "config", "container", "service", "alert");
    private final HealthStore store;

    EventResource(HealthStore store) {
        this.store = store;
    }

    @Override
    public void register(Router r) {
        r.add("GET", Resources.BASE + "/events", Access.READ, this::list);
    }

    private Response list(ApiRequest req) {
        int limit = 100;
        String l = req.query("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw ApiException.badRequest("invalid limit '" + l + "': use a number from 1 to " + MAX_LIMIT);
            }
        }
        String type = req.query("type");
        // only the types there are: 'cistern events --type logins' answered "No events." as if nobody had logged in
        if (type != null && !TYPES.contains(type)) {
            throw ApiException.badRequest("invalid event type '" + type + "': use " + String.join(", ", TYPES));
        }
        return Response.ok(store.events(type, limit));
    }
}
