package dev.cistern.s3.op;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.RequestBody;
import dev.cistern.s3.http.S3Request;
import dev.cistern.s3.store.Bucket;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.store.ObjectStore;

/** One authenticated request as an operation sees it. */
public final class S3Call {
    private final S3Context ctx;
    private final S3Request request;
    private final RequestBody body;
    private final String user;
    private Bucket bucket;

    public S3Call(S3Context ctx, S3Request request, RequestBody body, String user) {
        this.ctx = ctx;
        this.request = request;
        this.body = body;
        this.user = user;
    }

    public S3Context ctx() {
        return ctx;
    }

    public S3Request req() {
        return request;
    }

    public RequestBody body() {
        return body;
    }

    public String user() {
        return user;
    }

    /** The addressed bucket (NoSuchBucket / AccessDenied otherwise); looked up once per call. */
    public Bucket bucket() {
        if (bucket == null) bucket = ctx.buckets().get(request.bucket(), user);
        return bucket;
    }

    public ObjectStore objects() {
        return new ObjectStore(bucket(), ctx.locks(), ctx.clock());
    }

    /** The addressed key, checked against the naming limits. */
    public String key() {
        ObjectNames.checkKey(request.key());
        return request.key();
    }

    public String header(String name) {
        return request.header(name);
    }

    public String query(String name) {
        return request.query(name);
    }

    /** An integer query parameter within bounds, or {@code dflt} when absent. */
    public int intQuery(String name, int dflt, int min, int max) {
        String v = request.query(name);
        if (v == null) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n < min) throw new NumberFormatException();
            return Math.min(n, max);
        } catch (NumberFormatException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, name + " must be an integer of at least " + min + ", got '" + v + "'");
        }
    }
}
