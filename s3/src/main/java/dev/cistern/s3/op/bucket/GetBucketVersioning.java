package dev.cistern.s3.op.bucket;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.xml.XmlWriter;

/** GET /bucket?versioning: Enabled, Suspended, or nothing when never enabled. */
public final class GetBucketVersioning implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        XmlWriter x = XmlWriter.document("VersioningConfiguration").element("Status", call.bucket().versioning());
        return S3Response.xml(x.bytes());
    }
}
