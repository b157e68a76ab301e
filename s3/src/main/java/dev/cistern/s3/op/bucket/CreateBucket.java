package dev.cistern.s3.op.bucket;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.BucketStore;
import dev.cistern.s3.xml.XmlDoc;

/** PUT /bucket, optionally with x-amz-bucket-object-lock-enabled: true (which also turns versioning on). */
public final class CreateBucket implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        String name = call.req().bucket();
        BucketStore.checkName(name);
        byte[] body = call.body().readAll(64 * 1024);
        if (body.length > 0) {
            // CreateBucketConfiguration only carries a location constraint; any region is accepted
            XmlDoc.parse(body, "CreateBucketConfiguration");
        }
        String lock = call.header("x-amz-bucket-object-lock-enabled");
        if (lock != null && !lock.equalsIgnoreCase("true") && !lock.equalsIgnoreCase("false")) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-bucket-object-lock-enabled must be true or false", name);
        }
        call.ctx().buckets().create(name, call.user(), "true".equalsIgnoreCase(lock),
                call.ctx().config().region().equals("us-east-1"));
        return S3Response.ok().header("Location", "/" + name);
    }
}
