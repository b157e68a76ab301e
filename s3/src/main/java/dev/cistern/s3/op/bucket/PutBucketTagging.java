package dev.cistern.s3.op.bucket;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import java.util.HashMap;
import java.util.Map;

/** PUT /bucket?tagging: replaces the bucket's tag set (up to 50 tags). */
public final class PutBucketTagging implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        var b = call.bucket();
        String tags = Tagging.parse(call.body().readAll(64 * 1024), 50);
        Map<String, String> changes = new HashMap<>();
        changes.put("tags", tags.isEmpty() ? null : tags);
        call.ctx().buckets().update(b, changes);
        return S3Response.noContent();
    }
}
