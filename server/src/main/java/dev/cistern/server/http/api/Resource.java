package dev.cistern.server.http.api;

import dev.cistern.server.http.Router;

/** A REST resource: adds its routes to the router. Resources are wired explicitly in {@link Resources}. */
public interface Resource {
    void register(Router router);
}
