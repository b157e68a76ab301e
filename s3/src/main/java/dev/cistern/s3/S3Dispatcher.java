package dev.cistern.s3;

import dev.cistern.engine.EngineException;
import dev.cistern.s3.auth.AuthResult;
import dev.cistern.s3.auth.PayloadDecoder;
import dev.cistern.s3.auth.SigV4Verifier;
import dev.cistern.s3.http.BodyStream;
import dev.cistern.s3.http.RequestBody;
import dev.cistern.s3.http.RequestHandler;
import dev.cistern.s3.http.ResponseSender;
import dev.cistern.s3.http.S3Request;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.http.Uri;
import dev.cistern.s3.op.Router;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Context;
import dev.cistern.s3.xml.XmlWriter;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one request on its worker thread: parse the address, check the signature, decode the body,
 * route to the operation, and turn every failure into an S3 error document with the right status.
 */
public final class S3Dispatcher implements RequestHandler {
    private static final System.Logger LOG = System.getLogger(S3Dispatcher.class.getName());
    /** How long the rest of a refused body is read and discarded before the connection closes anyway. */
    private static final long LINGER_MILLIS = 30_000;

    private final S3Context ctx;
    private final SigV4Verifier verifier;
    private final AtomicLong ids = new AtomicLong(System.nanoTime());

    S3Dispatcher(S3Context ctx, S3Credentials credentials) {
        this.ctx = ctx;
        this.verifier = new SigV4Verifier(credentials, ctx.clock(), ctx.config().maxClockSkew());
    }

    @Override
    public void serve(Channel channel, HttpRequest http, BodyStream raw) {
        String requestId = Long.toHexString(ids.incrementAndGet()).toUpperCase(Locale.ROOT);
        S3Request req = null;
        S3Response resp;
        try {
            req = parse(http);
            AuthResult auth = verifier.verify(req);
            RequestBody body = PayloadDecoder.open(req, auth, raw);
            resp = Router.route(req).handle(new S3Call(ctx, req, body, auth.key().user()));
        } catch (S3Exception e) {
            resp = error(e, req, requestId);
        } catch (EngineException e) {
            resp = error(EngineErrors.toS3(e, req == null ? null : req.resource(), req != null && req.key() != null), req, requestId);
        } catch (IOException e) {
            resp = error(new S3Exception(S3Error.INCOMPLETE_BODY, "the request body could not be read: " + e.getMessage()),
                    req, requestId);
        } catch (Exception | LinkageError | StackOverflowError e) {
            // errors too: one thrown while serving (a class that no longer loads, a runaway recursion) ended
            // the request's thread with no answer, and the client waited for the 5-minute idle timeout
            LOG.log(System.Logger.Level.ERROR, "S3 request " + requestId + " on " + (req == null ? http.uri() : req.resource())
                    + " failed", e);
            resp = error(new S3Exception(S3Error.INTERNAL_ERROR, "internal error (" + e.getClass().getSimpleName()
                    + "); see the server log for request " + requestId), req, requestId);
        }
        boolean bodyRead = raw.complete() || raw.drain(1 << 20, 2000);
        boolean keepAlive = HttpUtil.isKeepAlive(http) && bodyRead;
        try {
            ResponseSender.send(channel, resp, keepAlive, !keepAlive && bodyRead, requestId);
            if (!bodyRead) {
                // Refused part way through a large body (quota, full disk): a client that sends the whole body
                // before reading (the AWS SDK's default) would be reset, never seeing why, if the connection
                // closed now. So read on, discarding, until the body ends (or for a while), then close.
                raw.drain(Long.MAX_VALUE, LINGER_MILLIS);
                channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "S3 response " + requestId + " not fully sent: " + e.getMessage());
            channel.close();
        } finally {
            raw.close();
        }
    }

    private S3Request parse(HttpRequest http) {
        String uri = http.uri();
        int q = uri.indexOf('?');
        String rawPath = q < 0 ? uri : uri.substring(0, q);
        String rawQuery = q < 0 ? "" : uri.substring(q + 1);
        if (rawPath.startsWith("http://") || rawPath.startsWith("https://")) {
            int slash = rawPath.indexOf('/', rawPath.indexOf("//") + 2);
            rawPath = slash < 0 ? "/" : rawPath.substring(slash);
        }
        String path;
        try {
            path = Uri.decode(rawPath, false);
            Uri.parseQuery(rawQuery);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "the request URI is not valid percent-encoding: " + e.getMessage());
        }
        String bucket = null;
        String key = null;
        String host = http.headers().get("Host");
        String domain = ctx.config().domain();
        if (host != null && domain != null) {
            String h = host.toLowerCase(Locale.ROOT);
            int colon = h.lastIndexOf(':');
            if (colon > 0 && h.indexOf(']') < colon) h = h.substring(0, colon);
            if (h.endsWith("." + domain)) bucket = h.substring(0, h.length() - domain.length() - 1);
        }
        String rest = path.startsWith("/") ? path.substring(1) : path;
        if (bucket != null) {
            key = rest.isEmpty() ? null : rest;
        } else if (!rest.isEmpty()) {
            int slash = rest.indexOf('/');
            bucket = slash < 0 ? rest : rest.substring(0, slash);
            key = slash < 0 || slash == rest.length() - 1 ? null : rest.substring(slash + 1);
        }
        return new S3Request(http.method().name(), rawPath, rawQuery, Uri.parseQuery(rawQuery), http.headers(), bucket, key);
    }

    static S3Response error(S3Exception e, S3Request req, String requestId) {
        if (e.error() == S3Error.NOT_MODIFIED) {
            S3Response r = S3Response.status(304);
            e.headers().forEach(r::header);
            return r;
        }
        S3Response r = S3Response.xml(e.error().status(), errorDocument(e, req, requestId, true));
        e.headers().forEach(r::header);
        return r;
    }

    /** The S3 error document for {@code e}; without the XML declaration for deferred responses. */
    public static byte[] errorDocument(S3Exception e, S3Request req, String requestId, boolean declaration) {
        String resource = e.resource() != null ? e.resource() : req == null ? null : req.resource();
        XmlWriter x = XmlWriter.plainDocument("Error", declaration).element("Code", e.error().code())
                .element("Message", e.getMessage()).element("Resource", resource).element("RequestId", requestId);
        if (req != null && req.bucket() != null) x.element("BucketName", req.bucket());
        if (req != null && req.key() != null) x.element("Key", req.key());
        return x.bytes();
    }
}
