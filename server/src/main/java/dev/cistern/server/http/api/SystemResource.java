package dev.cistern.server.http.api;

import dev.cistern.server.Version;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;
import dev.cistern.server.service.ServiceStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Version, uptime and the health of every service: the first thing to look at when something is wrong. */
final class SystemResource implements Resource {

    record ServiceView(String name, String state, String health, String message, int restarts, String lastFailure,
                       Instant lastFailureAt) {
        static ServiceView of(ServiceStatus s) {
            return new ServiceView(s.name(), s.state().name().toLowerCase(Locale.ROOT), s.health().status().name().toLowerCase(Locale.ROOT),
                    s.health().message(), s.restarts(), s.lastFailure(), s.lastFailureAt());
        }
    }

    record SystemView(String version, Instant startedAt, long uptimeSeconds, String dataDir,
                      String certificateSha256, String status, List<ServiceView> services) {
    }

    private final ApiContext ctx;

    SystemResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void register(Router r) {
        r.add("GET", Resources.BASE + "/system", Access.READ, req -> {
            List<ServiceView> services = ctx.services().statuses().stream().map(ServiceView::of).toList();
            String overall = services.stream().allMatch(s -> s.health().equals("up")) ? "ok" : "degraded";
            long up = Duration.between(ctx.startedAt(), ctx.clock().instant()).toSeconds();
            return Response.ok(new SystemView(Version.get(), ctx.startedAt(), up, ctx.dataDir().toString(),
                    ctx.certificateFingerprint(), overall, services));
        });
    }
}
