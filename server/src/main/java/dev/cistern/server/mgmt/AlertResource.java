package dev.cistern.server.mgmt;

import dev.cistern.server.health.Alert;
import dev.cistern.server.health.HealthStore;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.api.Resource;
import dev.cistern.server.http.api.Resources;

import java.util.List;
import java.util.function.Predicate;

/**
 * Alerts: {@code GET /alerts?state=open|active|all} (open: not cleared, the default; active: neither cleared nor
 * acknowledged) and {@code POST /alerts/{id}/acknowledge} (admins and operators).
 */
final class AlertResource implements Resource {
    private final HealthStore store;

    AlertResource(HealthStore store) {
        this.store = store;
    }

    @Override
    public void register(Router r) {
        r.add("GET", Resources.BASE + "/alerts", Access.READ, this::list);
        r.add("POST", Resources.BASE + "/alerts/{id}/acknowledge", Access.WRITE, this::acknowledge);
    }

    private Response list(ApiRequest req) {
        String state = req.query("state") == null ? "open" : req.query("state");
        Predicate<Alert> keep = switch (state) {
            case "open" -> a -> a.clearedAt() == null;
            case "active" -> Alert::active;
            case "all" -> a -> true;
            default -> throw ApiException.badRequest("invalid state '" + state + "': use open, active or all");
        };
        List<Alert> alerts = store.alerts().stream().filter(keep).toList();
        return Response.ok(alerts);
    }

    private Response acknowledge(ApiRequest req) {
        long id;
        try {
            id = Long.parseLong(req.param("id"));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid alert id '" + req.param("id") + "': use the number from GET /api/v1/alerts");
        }
        return Response.ok(store.acknowledge(id, req.principal().user()).orElseThrow(() ->
                ApiException.notFound("alert " + id + " not found; see GET /api/v1/alerts?state=all")));
    }
}
