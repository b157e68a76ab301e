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
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.io.IOException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one request on its worker thread: parse the address, check the signature, decode the body,
 * route to the operation, and turn every failure into an S3 error document with the right status.
 */
final class S3Dispatcher implements RequestHandler {
    private static final System.Logger LOG = System.getLogger(S3Dispatcher.class.getName());

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
            resp = error(fromEngine(e, req), req, requestId);
        } catch (IOException e) {
            resp = error(new S3Exception(S3Error.INCOMPLETE_BODY, "the request body could not be read: " + e.getMessage()),
                    req, requestId);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.ERROR, "S3 request " + requestId + " on " + (req == null ? http.uri() : req.resource())
                    + " failed", e);
            resp = error(new S3Exception(S3Error.INTERNAL_ERROR, "internal error (" + e.getClass().getSimpleName()
                    + "); see the server log for request " + requestId), req, requestId);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(http) && (raw.complete() || raw.drain(1 << 20, 2000));
        try {
            ResponseSender.send(channel, resp, keepAlive, requestId);
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

    private static S3Exception fromEngine(EngineException e, S3Request req) {
        String res = req == null ? null : req.resource();
        return switch (e.reason()) {
            case NOT_FOUND -> new S3Exception(req != null && req.key() != null ? S3Error.NO_SUCH_KEY : S3Error.NO_SUCH_BUCKET,
                    e.getMessage(), res);
            case INVALID_ARGUMENT -> new S3Exception(S3Error.INVALID_ARGUMENT, e.getMessage(), res);
            case QUOTA_EXCEEDED -> new S3Exception(S3Error.QUOTA_EXCEEDED, "the storage group's quota is exhausted: "
                    + e.getMessage(), res);
            case NO_SPACE -> new S3Exception(S3Error.INSUFFICIENT_STORAGE, "the server is out of disk space: " + e.getMessage(), res);
            case LOCKED -> new S3Exception(S3Error.SERVICE_UNAVAILABLE, "the storage group is encrypted and locked; an admin"
                    + " must unlock it: " + e.getMessage(), res);
            case READ_ONLY, ACCESS_DENIED -> new S3Exception(S3Error.ACCESS_DENIED, e.getMessage(), res);
            case BUSY, CLOSED -> new S3Exception(S3Error.SERVICE_UNAVAILABLE, e.getMessage(), res);
            default -> new S3Exception(S3Error.INTERNAL_ERROR, e.reason() + ": " + e.getMessage(), res);
        };
    }

    static S3Response error(S3Exception e, S3Request req, String requestId) {
        if (e.error() == S3Error.NOT_MODIFIED) {
            S3Response r = S3Response.status(304);
            e.headers().forEach(r::header);
            return r;
        }
        String resource = e.resource() != null ? e.resource() : req == null ? null : req.resource();
        XmlWriter x = XmlWriter.plainDocument("Error").element("Code", e.error().code()).element("Message", e.getMessage())
                .element("Resource", resource).element("RequestId", requestId);
        if (req != null && req.bucket() != null) x.element("BucketName", req.bucket());
        if (req != null && req.key() != null) x.element("Key", req.key());
        S3Response r = S3Response.xml(e.error().status(), x.bytes());
        e.headers().forEach(r::header);
        return r;
    }
}
