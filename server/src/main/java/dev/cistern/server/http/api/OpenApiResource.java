package dev.cistern.server.http.api;

import dev.cistern.server.http.Access;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the OpenAPI 3 document, written by hand beside the code ({@code openapi.json}); a test checks it
 * describes exactly the routes the router has.
 */
final class OpenApiResource implements Resource {
    static final String DOCUMENT = "/dev/cistern/server/http/openapi.json";

    @Override
    public void register(Router r) {
        byte[] doc = load();
        r.add("GET", Resources.BASE + "/openapi.json", Access.PUBLIC, req -> Response.ok(doc));
    }

    static byte[] load() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT)) {
            if (in == null) throw new IllegalStateException("OpenAPI document " + DOCUMENT + " missing from the jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read OpenAPI document " + DOCUMENT, e);
        }
    }
}
