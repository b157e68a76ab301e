package dev.cistern.server.mgmt;

import dev.cistern.server.http.Access;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.api.Resource;
import dev.cistern.server.http.api.Resources;
import dev.cistern.server.monitor.ChartRange;
import dev.cistern.server.monitor.MonitorService;
import dev.cistern.server.monitor.Subject;

/** {@code GET /charts?range=hour|day|week[&storageGroup=G|&container=C]}: series for the dashboard's charts. */
final class ChartResource implements Resource {
    private final MonitorService monitor;

    ChartResource(MonitorService monitor) {
        this.monitor = monitor;
    }

    @Override
    public void register(Router r) {
        r.add("GET", Resources.BASE + "/charts", Access.READ, req -> {
            ChartRange range = ChartRange.parse(req.query("range"));
            Subject subject = Subject.of(req.query("storageGroup"), req.query("container"));
            return Response.ok(monitor.series(subject, range));
        });
    }
}
