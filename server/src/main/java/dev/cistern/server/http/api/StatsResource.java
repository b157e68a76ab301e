package dev.cistern.server.http.api;

import dev.cistern.engine.Engine;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;

import java.util.LinkedHashMap;
import java.util.Map;

/** Space and traffic figures: the whole server, one storage group, one container. */
final class StatsResource implements Resource {

    record ServerStats(StatsView total, long freeBytes, Map<String, StatsView> storageGroups) {
    }

    private final ApiContext ctx;

    StatsResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void register(Router r) {
        r.add("GET", Resources.BASE + "/stats", Access.READ, req -> {
            Engine e = ctx.engine().get();
            Map<String, StatsView> groups = new LinkedHashMap<>();
            for (StorageGroupInfo g : e.listGroups()) groups.put(g.name(), StatsView.of(e.groupStats(g.name())));
            return Response.ok(new ServerStats(StatsView.of(e.stats()), e.freeBytes(), groups));
        });
        r.add("GET", Resources.BASE + "/storage-groups/{name}/stats", Access.READ,
                req -> Response.ok(StatsView.of(ctx.engine().get().groupStats(req.param("name")))));
        r.add("GET", Resources.BASE + "/containers/{name}/stats", Access.READ,
                req -> Response.ok(StatsView.of(ctx.engine().get().containerStats(req.param("name")))));
    }
}
