package dev.cistern.s3.op.multipart;

import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.op.object.BodyWriter;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;

/** PUT /bucket/key?partNumber=N&uploadId=U: stores the part as a hidden entry; a re-upload replaces it. */
public final class UploadPart implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        String key = call.key();
        String uploadId = call.query("uploadId");
        int part = Uploads.partNumber(call);
        Uploads.find(call, uploadId, key);
        try (StreamWriter w = call.bucket().handle().create(ObjectNames.part(uploadId, part))) {
            BodyWriter.Written written = BodyWriter.write(call.body(), call.req().headers(), w, call.req().resource());
            ObjectMeta meta = new ObjectMeta().etag(written.md5Hex()).modified(call.ctx().clock().instant());
            written.checksums().forEach(meta::checksum);
            Uploads.commitPart(call, uploadId, key, w, meta);
            S3Response r = S3Response.ok().header("ETag", "\"" + written.md5Hex() + "\"");
            written.checksums().forEach((a, v) -> r.header("x-amz-checksum-" + a, v));
            return r;
        }
    }
}
