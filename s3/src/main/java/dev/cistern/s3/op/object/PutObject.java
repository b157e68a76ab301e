package dev.cistern.s3.op.object;

import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.store.ObjectStore;

/**
 * PUT /bucket/key. The body streams into a new version that stays invisible until every check has
 * passed (signature, length, Content-MD5, checksums, preconditions); then it is committed durably and
 * atomically, which is what a 200 promises. Any failure aborts the writer, leaving the old version.
 */
public final class PutObject implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        String key = call.key();
        ObjectStore store = call.objects();
        ObjectMeta meta = RequestMeta.describe(call, new ObjectMeta());
        RequestMeta.tagging(call, meta);
        RequestMeta.lock(call, store.bucket(), meta);
        String resource = call.req().resource();
        try (StreamWriter w = store.bucket().handle().create(ObjectNames.current(key))) {
            BodyWriter.Written written = BodyWriter.write(call.body(), call.req().headers(), w, resource);
            meta.etag(written.md5Hex()).modified(call.ctx().clock().instant());
            written.checksums().forEach(meta::checksum);
            store.publish(key, w, meta, cur -> Preconditions.checkWrite(call, cur));
            S3Response r = S3Response.ok().header("ETag", "\"" + written.md5Hex() + "\"");
            if (store.bucket().versioning() != null) r.header("x-amz-version-id", meta.versionId());
            written.checksums().forEach((a, v) -> r.header("x-amz-checksum-" + a, v));
            return r;
        }
    }
}
