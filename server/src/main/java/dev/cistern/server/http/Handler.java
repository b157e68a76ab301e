package dev.cistern.server.http;

/** One operation of a resource. Runs on a virtual thread, so it may block on the engine. */
@FunctionalInterface
public interface Handler {
    Response handle(ApiRequest request) throws Exception;
}
