package dev.cistern.s3.op.bucket;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;

/** HEAD /bucket: 200 when it exists and is the caller's. */
public final class HeadBucket implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        call.bucket();
        return S3Response.ok().header("x-amz-bucket-region", call.ctx().config().region());
    }
}
