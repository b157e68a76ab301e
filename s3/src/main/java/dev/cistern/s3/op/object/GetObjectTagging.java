package dev.cistern.s3.op.object;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.op.bucket.Tagging;
import dev.cistern.s3.store.ObjectStore;

/** GET /bucket/key?tagging. */
public final class GetObjectTagging implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        ObjectStore store = call.objects();
        ObjectStore.Version v = VersionTarget.of(call, store);
        S3Response r = S3Response.xml(Tagging.document(v.meta().tags()));
        if (store.bucket().versioning() != null) r.header("x-amz-version-id", v.versionId());
        return r;
    }
}
