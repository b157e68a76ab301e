package dev.cistern.server.http.api;

import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;
import dev.cistern.server.http.Sizes;
import dev.cistern.vtl.TapeLibraries;

/**
 * Cartridges of tape libraries (vtl containers): create with a barcode and capacity, move between
 * elements as the changer would, export to and import from the mail slot, write-protect, delete.
 */
final class CartridgeResource implements Resource {
    private static final String PATH = Resources.BASE + "/containers/{name}/cartridges";

    record CreateRequest(String barcode, String capacity) {
    }

    record MoveRequest(Integer to) {
    }

    record UpdateRequest(Boolean writeProtected) {
    }

    private final ApiContext ctx;

    CartridgeResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void register(Router r) {
        r.add("GET", PATH, Access.READ, req -> Response.ok(TapeLibraries.listCartridges(ctx.engine().get(), req.param("name"))));
        r.add("POST", PATH, Access.WRITE, this::create);
        r.add("GET", PATH + "/{barcode}", Access.READ,
                req -> Response.ok(TapeLibraries.cartridge(ctx.engine().get(), req.param("name"), req.param("barcode"))));
        r.add("PATCH", PATH + "/{barcode}", Access.WRITE, req -> {
            UpdateRequest b = req.body(UpdateRequest.class);
            if (b.writeProtected() == null) throw ApiException.badRequest("nothing to change: send 'writeProtected'");
            return Response.ok(TapeLibraries.setWriteProtected(ctx.engine().get(), req.param("name"), req.param("barcode"),
                    b.writeProtected()));
        });
        r.add("DELETE", PATH + "/{barcode}", Access.WRITE, req -> {
            TapeLibraries.deleteCartridge(ctx.engine().get(), req.param("name"), req.param("barcode"));
            return Response.noContent();
        });
        r.add("POST", PATH + "/{barcode}/move", Access.WRITE, req -> {
            MoveRequest b = req.body(MoveRequest.class);
            if (b.to() == null) throw ApiException.badRequest("send 'to': the element address to move the cartridge to");
            return Response.ok(TapeLibraries.moveCartridge(ctx.engine().get(), req.param("name"), req.param("barcode"), b.to()));
        });
        r.add("POST", PATH + "/{barcode}/export", Access.WRITE, req ->
                Response.ok(TapeLibraries.exportCartridge(ctx.engine().get(), req.param("name"), req.param("barcode"))));
        r.add("POST", PATH + "/{barcode}/import", Access.WRITE, req ->
                Response.ok(TapeLibraries.importCartridge(ctx.engine().get(), req.param("name"), req.param("barcode"))));
    }

    private Response create(ApiRequest req) {
        CreateRequest b = req.body(CreateRequest.class);
        if (b.barcode() == null || b.barcode().isBlank()) throw ApiException.badRequest("a cartridge needs a 'barcode', e.g. CST001L5");
        if (b.capacity() == null) { // the drive model's native capacity, as the CLI and the API document
            return Response.created(TapeLibraries.addCartridge(ctx.engine().get(), req.param("name"), b.barcode()));
        }
        long capacity = Sizes.parse("cartridge capacity", b.capacity());
        return Response.created(TapeLibraries.addCartridge(ctx.engine().get(), req.param("name"), b.barcode(), capacity));
    }
}
