package dev.cistern.server.http.api;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.iscsi.EngineTargetCatalog;
import dev.cistern.iscsi.SessionInfo;
import dev.cistern.server.frontend.IscsiFrontEnd;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.Sizes;
import dev.cistern.server.service.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** LUNs of iSCSI containers, and the sessions logged in to the target. */
final class IscsiResource implements Resource {
    private static final String LUNS = Resources.BASE + "/containers/{name}/luns";
    private static final Pattern LUN_ENTRY = Pattern.compile("lun-(\\d+)");

    /** A LUN to create: size with an optional suffix (100G), block size 512 or 4096. */
    record LunRequest(String size, Integer blockSize, Boolean readOnly) {
    }

    record LunView(int lun, long sizeBytes, int blockSize, boolean readOnly, String iqn) {
    }

    record SessionView(String initiator, String target, String remoteAddress, String isid, int tsih, boolean discovery) {
        static SessionView of(SessionInfo s) {
            return new SessionView(s.initiatorIqn(), s.targetIqn(), String.valueOf(s.remoteAddress()), s.isid(), s.tsih(),
                    s.discovery());
        }
    }

    private final ApiContext ctx;

    IscsiResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void register(Router r) {
        r.add("GET", LUNS, Access.READ, req -> Response.ok(luns(req.param("name"))));
        r.add("POST", LUNS, Access.WRITE, req -> {
            String name = req.param("name");
            int n = addLun(ctx, name, req.body(LunRequest.class));
            return Response.created(luns(name).stream().filter(l -> l.lun() == n).findFirst().orElseThrow());
        });
        r.add("DELETE", LUNS + "/{lun}", Access.WRITE, req -> {
            EngineTargetCatalog.removeLun(ctx.engine().get(), req.param("name"), Sizes.parseInt("LUN number", req.param("lun")));
            return Response.noContent();
        });
        r.add("GET", Resources.BASE + "/iscsi/sessions", Access.READ, req -> {
            Service s = ctx.services().find(IscsiFrontEnd.NAME, Service.class)
                    .orElseThrow(() -> ApiException.notFound("the iSCSI target is not running (--iscsi-port 0?)"));
            return Response.ok(((IscsiFrontEnd.Sessions) s).sessions().stream().map(SessionView::of).toList());
        });
    }

    /** Adds a LUN from a request; used by container creation too. Returns its number. */
    static int addLun(ApiContext ctx, String container, LunRequest b) {
        if (b == null || b.size() == null) throw ApiException.badRequest("a LUN needs a 'size', e.g. \"100G\"");
        long size = Sizes.parse("LUN size", b.size());
        int blockSize = b.blockSize() == null ? 512 : b.blockSize();
        return EngineTargetCatalog.addLun(ctx.engine().get(), container, size, blockSize, Boolean.TRUE.equals(b.readOnly()));
    }

    private List<LunView> luns(String container) {
        var engine = ctx.engine().get();
        if (!EngineTargetCatalog.PROTOCOL.equals(engine.container(container).protocol())) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "container '" + container + "' is not an iscsi container: it has no LUNs");
        }
        ContainerHandle h = engine.openContainer(container);
        List<LunView> out = new ArrayList<>();
        for (EntryInfo e : h.list("lun-", null, 100_000)) {
            Matcher m = LUN_ENTRY.matcher(e.name());
            if (!m.matches() || e.kind() != EntryInfo.Kind.VOLUME) continue;
            try (var v = h.openVolume(e.name())) {
                out.add(new LunView(Integer.parseInt(m.group(1)), v.size(), v.blockSize(), v.readOnly(),
                        EngineTargetCatalog.iqnOf(container)));
            }
        }
        out.sort(java.util.Comparator.comparingInt(LunView::lun));
        return out;
    }
}
