package dev.cistern.s3.op.bucket;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import java.util.HashMap;
import java.util.Map;

/** DELETE /bucket?tagging. */
public final class DeleteBucketTagging implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        Map<String, String> changes = new HashMap<>();
        changes.put("tags", null);
        call.ctx().buckets().update(call.bucket(), changes);
        return S3Response.noContent();
    }
}
