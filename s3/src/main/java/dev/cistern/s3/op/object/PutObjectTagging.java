package dev.cistern.s3.op.object;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.op.bucket.Tagging;
import dev.cistern.s3.store.ObjectStore;

/** PUT /bucket/key?tagging: replaces the version's tag set (up to 10 tags). */
public final class PutObjectTagging implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        ObjectStore store = call.objects();
        String tags = Tagging.parse(call.body().readAll(64 * 1024), 10);
        ObjectStore.Version v = VersionTarget.of(call, store);
        store.setMeta(v, v.meta().tags(tags));
        S3Response r = S3Response.ok();
        if (store.bucket().versioning() != null) r.header("x-amz-version-id", v.versionId());
        return r;
    }
}
