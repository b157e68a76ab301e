package dev.cistern.server.http.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cistern.server.Json;
import dev.cistern.server.http.Access;
import dev.cistern.server.http.Response;
import dev.cistern.server.http.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the OpenAPI 3 document, written by hand beside the code ({@code openapi.json}); a test checks it
 * describes exactly the routes the router has. The management plane documents its routes in its own
 * fragment ({@code mgmt/openapi-mgmt.json}, checked by its own test), whose paths and schemas are merged in.
 */
final class OpenApiResource implements Resource {
    static final String DOCUMENT = "/dev/cistern/server/http/openapi.json";
    static final String MGMT_FRAGMENT = "/dev/cistern/server/mgmt/openapi-mgmt.json";

    @Override
    public void register(Router r) {
        byte[] doc = load();
        r.add("GET", Resources.BASE + "/openapi.json", Access.PUBLIC, req -> Response.ok(doc));
    }

    static byte[] load() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(DOCUMENT);
             InputStream fragment = OpenApiResource.class.getResourceAsStream(MGMT_FRAGMENT)) {
            if (in == null) throw new IllegalStateException("OpenAPI document " + DOCUMENT + " missing from the jar");
            if (fragment == null) return in.readAllBytes();
            ObjectNode doc = (ObjectNode) Json.mapper().readTree(in);
            JsonNode more = Json.mapper().readTree(fragment);
            ((ObjectNode) doc.get("paths")).setAll((ObjectNode) more.get("paths"));
            ((ObjectNode) doc.get("components").get("schemas")).setAll((ObjectNode) more.get("components").get("schemas"));
            return Json.mapper().writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read OpenAPI document " + DOCUMENT + " or " + MGMT_FRAGMENT, e);
        }
    }
}
