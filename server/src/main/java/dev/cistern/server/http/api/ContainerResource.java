package dev.cistern.server.http.api;

import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.vtl.TapeLibraries;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Containers: what a protocol front end exports (a LUN set, a tape library, an export, a bucket). They live
 * in the engine; their properties are stored for the front end, after the checks of {@link ContainerProperties}.
 * PATCH replaces the properties (secrets sent back masked keep their value).
 */
final class ContainerResource implements Resource {
    private static final String PATH = Resources.BASE + "/containers";

    /** {@code lun}: for iscsi containers, the first LUN to create with the container. */
    record CreateRequest(String name, String storageGroup, String protocol, Map<String, String> properties,
                         IscsiResource.LunRequest lun) {
    }

    record UpdateRequest(Map<String, String> properties) {
    }

    record ContainerView(long id, String name, String storageGroup, String protocol, Map<String, String> properties,
                         Instant createdAt) {
        static ContainerView of(ContainerInfo c) {
            return new ContainerView(c.id(), c.name(), c.groupName(), c.protocol(), ContainerProperties.shown(c.properties()),
                    c.createdAt());
        }
    }

    private final ApiContext ctx;

    ContainerResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void register(Router r) {
        r.add("GET", PATH, Access.READ, req -> Response.ok(
                ctx.engine().get().listContainers(req.query("storageGroup")).stream().map(ContainerView::of).toList()));
        r.add("POST", PATH, Access.WRITE, this::create);
        r.add("GET", PATH + "/{name}", Access.READ, req -> Response.ok(ContainerView.of(ctx.engine().get().container(req.param("name")))));
        r.add("PATCH", PATH + "/{name}", Access.WRITE, this::update);
        r.add("DELETE", PATH + "/{name}", Access.WRITE, req -> {
            TapeLibraries.close(ctx.engine().get(), req.param("name")); // no-op unless it is a tape library
            ctx.engine().get().deleteContainer(req.param("name"));
            return Response.noContent();
        });
    }

    /** The protocols a container can be created with (those the UI and CLI offer). */
    static final List<String> PROTOCOLS = List.of("iscsi", "vtl", "s3", "nfs", "client");

    private Response create(ApiRequest req) {
        CreateRequest b = req.body(CreateRequest.class);
        if (b.storageGroup() == null) {
            throw ApiException.badRequest("container '" + b.name() + "' needs a 'storageGroup' to live in");
        }
        if (b.protocol() == null || !PROTOCOLS.contains(b.protocol())) {
            // the engine stores any name, so a typo ('iscsci', 'ftp') made a container nothing would ever export
            throw ApiException.badRequest("unknown protocol '" + b.protocol() + "' for container '" + b.name()
                    + "': use " + String.join(", ", PROTOCOLS));
        }
        ContainerProperties.checkNew(b.protocol(), b.properties());
        Map<String, String> properties = b.properties();
        if ("s3".equals(b.protocol()) && (properties == null || !properties.containsKey("owner"))) {
            // a bucket belongs to the user whose S3 keys may use it, fixed at creation: without one it answered
            // every key, the creator's too, with AccessDenied "the bucket belongs to another user"
            properties = new TreeMap<>(properties == null ? Map.of() : properties);
            properties.put("owner", req.principal().user());
        }
        ContainerSpec spec = new ContainerSpec(b.name(), b.protocol(), properties);
        if (b.lun() != null && !"iscsi".equals(b.protocol())) {
            throw ApiException.badRequest("only iscsi containers have LUNs; container '" + b.name() + "' is " + b.protocol());
        }
        ContainerInfo created = TapeLibraries.PROTOCOL.equals(b.protocol())
                ? TapeLibraries.create(ctx.engine().get(), b.storageGroup(), b.name(), b.properties()) // checks drives and slots
                : ctx.engine().get().createContainer(b.storageGroup(), spec);
        if (b.lun() != null) {
            try {
                IscsiResource.addLun(ctx, created.name(), b.lun());
            } catch (RuntimeException e) {
                ctx.engine().get().deleteContainer(created.name()); // a bad request changes nothing
                throw e;
            }
        }
        return Response.created(ContainerView.of(created));
    }

    private Response update(ApiRequest req) {
        UpdateRequest b = req.body(UpdateRequest.class);
        if (b.properties() == null) throw ApiException.badRequest("nothing to change: send 'properties'");
        String protocol = ctx.engine().get().container(req.param("name")).protocol(); // never changes
        return Response.ok(ContainerView.of(ctx.engine().get().updateContainer(req.param("name"),
                current -> ContainerProperties.replacing(protocol, current, b.properties()))));
    }
}
