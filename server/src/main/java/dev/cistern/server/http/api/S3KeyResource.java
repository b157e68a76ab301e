package dev.cistern.server.http.api;

import dev.cistern.s3.S3KeyStore;
import dev.cistern.server.config.Role;
import dev.cistern.server.frontend.S3Keys;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.ApiContext;
import dev.cistern.server.http.ApiException;
import dev.cistern.server.http.ApiRequest;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;

/**
 * S3 access keys of users. Admins create and revoke keys for any user; the secret is returned once, at
 * creation. Everyone may list their own keys (without secrets); admins see all.
 */
final class S3KeyResource implements Resource {
    private static final String PATH = Resources.BASE + "/s3-keys";

    record CreateRequest(String user) {
    }

    record KeyView(String accessKeyId, String user) {
        static KeyView of(S3KeyStore.Key k) {
            return new KeyView(k.accessKeyId(), k.user());
        }
    }

    record NewKeyView(String accessKeyId, String secretKey, String user) {
    }

    private final ApiContext ctx;

    S3KeyResource(ApiContext ctx) {
        this.ctx = ctx;
    }

    private S3Keys keys() {
        return S3Keys.of(ctx.dataDir(), ctx.config());
    }

    private S3KeyStore store() {
        return keys().store();
    }

    @Override
    public void register(Router r) {
        r.add("GET", PATH, Access.READ, req -> {
            boolean admin = req.principal().role() == Role.ADMIN;
            String user = req.query("user");
            if (!admin) user = req.principal().user();
            return Response.ok(store().list(user).stream().map(KeyView::of).toList());
        });
        r.add("POST", PATH, Access.ADMIN, this::create);
        r.add("DELETE", PATH + "/{id}", Access.ADMIN, req -> {
            String id = req.param("id");
            if (!store().revoke(id)) throw ApiException.notFound("no S3 access key '" + id + "'");
            return Response.noContent();
        });
    }

    private Response create(ApiRequest req) {
        CreateRequest b = req.body(CreateRequest.class);
        if (b.user() == null || b.user().isBlank()) throw ApiException.badRequest("send the 'user' the key is for");
        try {
            S3KeyStore.Key k = keys().add(b.user()); // 404 for an unknown user: keys belong to real users
            return Response.created(new NewKeyView(k.accessKeyId(), k.secretKey(), k.user()));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }
}
