package dev.cistern.s3.op.bucket;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;

/** DELETE /bucket: only when it holds no objects, versions or delete markers. */
public final class DeleteBucket implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        call.ctx().buckets().delete(call.bucket());
        return S3Response.noContent();
    }
}
