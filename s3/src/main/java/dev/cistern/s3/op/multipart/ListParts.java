package dev.cistern.s3.op.multipart;

import dev.cistern.engine.EntryInfo;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.xml.XmlWriter;
import java.util.List;

/** GET /bucket/key?uploadId=U: the uploaded parts, after part-number-marker, at most max-parts. */
public final class ListParts implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        String key = call.key();
        String uploadId = call.query("uploadId");
        Uploads.find(call, uploadId, key);
        int marker = call.intQuery("part-number-marker", 0, 0, Uploads.MAX_PARTS);
        int max = call.intQuery("max-parts", 1000, 0, 1000);
        String after = marker == 0 ? null : ObjectNames.part(uploadId, marker);
        List<EntryInfo> parts = call.bucket().handle().list(ObjectNames.partsOf(uploadId), after, max + 1);
        boolean truncated = parts.size() > max;
        if (truncated) parts = parts.subList(0, max);
        XmlWriter x = XmlWriter.document("ListPartsResult").element("Bucket", call.bucket().name()).element("Key", key)
                .element("UploadId", uploadId)
                .start("Initiator").element("ID", call.user()).element("DisplayName", call.user()).end()
                .start("Owner").element("ID", call.user()).element("DisplayName", call.user()).end()
                .element("StorageClass", "STANDARD").element("PartNumberMarker", marker);
        int last = marker;
        for (EntryInfo p : parts) {
            int n = Integer.parseInt(p.name().substring(p.name().lastIndexOf('/') + 1));
            ObjectMeta m = new ObjectMeta(p.attributes());
            x.start("Part").element("PartNumber", n).element("LastModified", Dates.iso(m.modifiedOr(p.modifiedAt())))
                    .element("ETag", "\"" + m.etag() + "\"").element("Size", p.size()).end();
            last = n;
        }
        x.element("NextPartNumberMarker", last).element("MaxParts", max).element("IsTruncated", truncated);
        return S3Response.xml(x.bytes());
    }
}
