package dev.cistern.s3.op.bucket;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.store.ObjectStore;
import dev.cistern.s3.xml.XmlDoc;
import dev.cistern.s3.xml.XmlWriter;
import java.util.List;

/**
 * POST /bucket?delete: up to 1000 keys (and versions) in one request. Each key succeeds or fails on
 * its own; refusals (Object Lock, bad key) are reported per key, not for the whole request.
 */
public final class DeleteObjects implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        ObjectStore store = call.objects();
        XmlDoc doc = XmlDoc.parse(call.body().readAll(2 << 20), "Delete");
        List<XmlDoc> objects = doc.children("Object");
        if (objects.size() > 1000) {
            throw new S3Exception(S3Error.MALFORMED_XML, "a Delete request names " + objects.size()
                    + " objects; the limit is 1000", store.bucket().name());
        }
        boolean quiet = "true".equalsIgnoreCase(doc.text("Quiet"));
        boolean bypass = "true".equalsIgnoreCase(call.header("x-amz-bypass-governance-retention"));
        XmlWriter x = XmlWriter.document("DeleteResult");
        for (XmlDoc o : objects) {
            String key = o.text("Key");
            String vid = o.text("VersionId");
            try {
                if (key == null) throw new S3Exception(S3Error.MALFORMED_XML, "an Object has no Key");
                ObjectNames.checkKey(key);
                ObjectStore.Deleted d = store.delete(key, vid, bypass);
                if (!quiet) {
                    x.start("Deleted").element("Key", key).element("VersionId", vid);
                    if (d.deleteMarker()) {
                        x.element("DeleteMarker", true).element("DeleteMarkerVersionId", d.versionId());
                    }
                    x.end();
                }
            } catch (S3Exception e) {
                x.start("Error").element("Key", key).element("VersionId", vid).element("Code", e.error().code())
                        .element("Message", e.getMessage()).end();
            }
        }
        return S3Response.xml(x.bytes());
    }
}
