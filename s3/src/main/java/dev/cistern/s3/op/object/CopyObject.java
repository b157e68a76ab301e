package dev.cistern.s3.op.object;

import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.store.ObjectStore;
import dev.cistern.s3.xml.XmlWriter;
import java.time.Instant;

/**
 * PUT /bucket/key with x-amz-copy-source. Metadata is copied (COPY, the default) or taken from the
 * request (REPLACE); copying an object onto itself needs REPLACE, as in S3.
 */
public final class CopyObject implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        String key = call.key();
        ObjectStore store = call.objects();
        CopySource src = CopySource.resolve(call);
        String directive = call.header("x-amz-metadata-directive");
        if (directive == null) directive = "COPY";
        if (!directive.equals("COPY") && !directive.equals("REPLACE")) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-metadata-directive must be COPY or REPLACE", call.req().resource());
        }
        boolean self = src.bucket().name().equals(store.bucket().name()) && src.key().equals(key);
        if (self && directive.equals("COPY") && call.header("x-amz-tagging-directive") == null) {
            throw new S3Exception(S3Error.INVALID_REQUEST, "this copy request is illegal because it tries to copy an object to"
                    + " itself without changing the object's metadata", call.req().resource());
        }
        ObjectMeta from = src.version().meta();
        ObjectMeta meta = new ObjectMeta();
        if (directive.equals("COPY")) {
            meta.contentType(from.contentType()).userMetadata(from.userMetadata());
            from.storedHeaders().forEach(meta::storedHeader);
        } else {
            RequestMeta.describe(call, meta);
        }
        if ("REPLACE".equals(call.header("x-amz-tagging-directive"))) RequestMeta.tagging(call, meta); else meta.tags(from.tags());
        RequestMeta.lock(call, store.bucket(), meta);
        for (String a : ObjectMeta.CHECKSUMS) meta.checksum(a, from.checksum(a));
        Instant now = call.ctx().clock().instant();
        String etag;
        if (src.bucket().name().equals(store.bucket().name())) {
            // same container: share the chunks, no data is read or written
            etag = from.etag();
            meta.etag(etag).modified(now);
            if (from.partsCount() > 0) meta.partsCount(from.partsCount());
            store.publishCopy(key, src.version().entryName(), meta, cur -> Preconditions.checkWrite(call, cur));
        } else {
            try (StreamWriter w = store.bucket().handle().create(ObjectNames.current(key))) {
                byte[] md5 = src.copyTo(w, 0, src.size());
                etag = from.partsCount() > 0 ? from.etag() : Digests.hex(md5);
                meta.etag(etag).modified(now);
                if (from.partsCount() > 0) meta.partsCount(from.partsCount());
                store.publish(key, w, meta, cur -> Preconditions.checkWrite(call, cur));
            }
        }
        S3Response r = S3Response.xml(XmlWriter.document("CopyObjectResult")
                .element("LastModified", Dates.iso(now)).element("ETag", "\"" + etag + "\"").bytes());
        if (store.bucket().versioning() != null) r.header("x-amz-version-id", meta.versionId());
        if (src.bucket().versioning() != null) r.header("x-amz-copy-source-version-id", src.version().versionId());
        return r;
    }
}
