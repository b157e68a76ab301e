package dev.cistern.s3.op.bucket;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.xml.XmlWriter;

/** GET /bucket?location: the configured region; us-east-1 is reported as empty, as S3 does. */
public final class GetBucketLocation implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        call.bucket();
        String region = call.ctx().config().region();
        String xml = region.equals("us-east-1")
                ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"" + XmlWriter.S3_NS + "\"/>"
                : "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<LocationConstraint xmlns=\"" + XmlWriter.S3_NS + "\">"
                        + region + "</LocationConstraint>";
        return S3Response.xml(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
