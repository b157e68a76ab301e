package dev.cistern.s3.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;

/** Serves one request on a worker (virtual) thread: may block on the body and on the engine. */
@FunctionalInterface
public interface RequestHandler {
    void serve(Channel channel, HttpRequest request, BodyStream body);
}
