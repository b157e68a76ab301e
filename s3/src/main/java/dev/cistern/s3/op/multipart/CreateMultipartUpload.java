package dev.cistern.s3.op.multipart;

import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.op.object.RequestMeta;
import dev.cistern.s3.store.Bucket;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.xml.XmlWriter;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * POST /bucket/key?uploads: records the upload as an empty hidden entry whose attributes carry the
 * object's future metadata (content type, user metadata, tags, lock settings), taken now as S3 does.
 */
public final class CreateMultipartUpload implements S3Operation {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public S3Response handle(S3Call call) {
        String key = call.key();
        Bucket bucket = call.bucket();
        ObjectMeta meta = RequestMeta.describe(call, new ObjectMeta());
        RequestMeta.tagging(call, meta);
        RequestMeta.lock(call, bucket, meta);
        // the initiation time first (12 hex digits of milliseconds), so that ids sort in initiation order
        // and ListMultipartUploads can page by id; then 128 random bits
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        String uploadId = String.format("%012x", call.ctx().clock().millis()) + HexFormat.of().formatHex(id);
        meta.attrs.put(Uploads.KEY, key);
        meta.attrs.put(Uploads.INITIATED, Long.toString(call.ctx().clock().millis()));
        try (StreamWriter w = bucket.handle().create(ObjectNames.upload(uploadId))) {
            w.commit(meta.toMap());
        }
        return S3Response.xml(XmlWriter.document("InitiateMultipartUploadResult").element("Bucket", bucket.name())
                .element("Key", key).element("UploadId", uploadId).bytes());
    }
}
