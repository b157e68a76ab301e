package dev.cistern.s3.op.object;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectStore;

/** DELETE /bucket/key?tagging. */
public final class DeleteObjectTagging implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        ObjectStore store = call.objects();
        ObjectStore.Version v = VersionTarget.of(call, store);
        store.setMeta(v, v.meta().tags(null));
        return S3Response.noContent();
    }
}
