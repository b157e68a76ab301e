package dev.cistern.s3.op.object;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectStore;

/**
 * DELETE /bucket/key[?versionId=]: removes the object (unversioned), adds a delete marker (versioned),
 * or removes one version unless Object Lock protects it (x-amz-bypass-governance-retention for GOVERNANCE).
 */
public final class DeleteObject implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        String key = call.key();
        boolean bypass = "true".equalsIgnoreCase(call.header("x-amz-bypass-governance-retention"));
        ObjectStore.Deleted d = call.objects().delete(key, call.query("versionId"), bypass);
        S3Response r = S3Response.noContent();
        if (d.versionId() != null) r.header("x-amz-version-id", d.versionId());
        if (d.deleteMarker()) r.header("x-amz-delete-marker", "true");
        return r;
    }
}
