package dev.cistern.s3.op.bucket;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.Bucket;
import dev.cistern.s3.xml.XmlDoc;
import java.util.Map;

/** PUT /bucket?versioning: Enabled or Suspended; an Object Lock bucket cannot be suspended. */
public final class PutBucketVersioning implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        XmlDoc doc = XmlDoc.parse(call.body().readAll(64 * 1024), "VersioningConfiguration");
        String status = doc.text("Status");
        Bucket b = call.bucket();
        if (!"Enabled".equals(status) && !"Suspended".equals(status)) {
            throw new S3Exception(S3Error.MALFORMED_XML, "versioning Status must be Enabled or Suspended", b.name());
        }
        if ("Suspended".equals(status) && b.objectLockEnabled()) {
            throw new S3Exception(S3Error.INVALID_BUCKET_STATE, "versioning cannot be suspended on bucket '" + b.name()
                    + "' because Object Lock is enabled", b.name());
        }
        call.ctx().buckets().update(b, Map.of("versioning", status));
        return S3Response.ok();
    }
}
