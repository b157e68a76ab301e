package dev.cistern.s3.op.multipart;

import dev.cistern.engine.EntryInfo;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectNames;

/** DELETE /bucket/key?uploadId=U: drops the upload and its parts (their space goes to the cleaner). */
public final class AbortMultipartUpload implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        String key = call.key();
        String uploadId = call.query("uploadId");
        var h = call.bucket().handle();
        // the upload entry goes first, so a crash half way leaves orphan parts, never a half-aborted upload;
        // under the key lock, so a Complete of the same upload either published before or finds it gone
        call.objects().withKeyLock(key, () -> {
            Uploads.find(call, uploadId, key);
            h.delete(ObjectNames.upload(uploadId));
            return null;
        });
        deleteParts(h, uploadId);
        return S3Response.noContent();
    }

    static void deleteParts(dev.cistern.engine.ContainerHandle h, String uploadId) {
        while (true) {
            var parts = h.list(ObjectNames.partsOf(uploadId), null, 1000);
            if (parts.isEmpty()) return;
            for (EntryInfo p : parts) {
                try {
                    h.delete(p.name());
                } catch (dev.cistern.engine.EngineException e) {
                    if (e.reason() != dev.cistern.engine.EngineException.Reason.NOT_FOUND) throw e;
                }
            }
        }
    }
}
