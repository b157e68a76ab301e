package dev.cistern.s3.op.object;

import dev.cistern.engine.EntryInfo;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.bucket.Tagging;
import dev.cistern.s3.store.Bucket;
import dev.cistern.s3.store.ObjectMeta;

/** The response headers that describe a stored object version on GET and HEAD. */
final class ObjectHeaders {
    private ObjectHeaders() {
    }

    static void add(S3Response r, Bucket bucket, EntryInfo e, ObjectMeta m, boolean checksums) {
        r.header("ETag", "\"" + m.etag() + "\"")
                .header("Last-Modified", Dates.http(m.modifiedOr(e.modifiedAt())))
                .header("Content-Type", m.contentType())
                .header("Accept-Ranges", "bytes");
        if (bucket.versioning() != null) r.header("x-amz-version-id", m.versionId());
        m.userMetadata().forEach((k, v) -> r.header("x-amz-meta-" + k, v));
        m.storedHeaders().forEach(r::header);
        if (m.partsCount() > 0) r.header("x-amz-mp-parts-count", m.partsCount());
        if (m.tags() != null) r.header("x-amz-tagging-count", Tagging.decode(m.tags()).size());
        if (m.lockMode() != null) {
            r.header("x-amz-object-lock-mode", m.lockMode())
                    .header("x-amz-object-lock-retain-until-date", m.lockUntil().toString());
        }
        if (bucket.objectLockEnabled()) r.header("x-amz-object-lock-legal-hold", m.legalHold() ? "ON" : "OFF");
        if (checksums) {
            for (String a : ObjectMeta.CHECKSUMS) {
                String v = m.checksum(a);
                if (v != null) r.header("x-amz-checksum-" + a, v);
            }
        }
    }
}
