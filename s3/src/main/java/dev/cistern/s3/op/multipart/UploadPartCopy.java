package dev.cistern.s3.op.multipart;

import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.op.object.CopySource;
import dev.cistern.s3.op.object.Digests;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.xml.XmlWriter;
import java.time.Instant;

/** PUT ...?partNumber&uploadId with x-amz-copy-source[-range]: a part taken from an existing object. */
public final class UploadPartCopy implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        String key = call.key();
        String uploadId = call.query("uploadId");
        int part = Uploads.partNumber(call);
        Uploads.find(call, uploadId, key);
        CopySource src = CopySource.resolve(call);
        long offset = 0;
        long length = src.size();
        String range = call.header("x-amz-copy-source-range");
        if (range != null) {
            var m = java.util.regex.Pattern.compile("bytes=(\\d+)-(\\d+)").matcher(range.trim());
            if (!m.matches()) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-copy-source-range must be bytes=first-last", call.req().resource());
            }
            long last;
            try {
                offset = Long.parseLong(m.group(1));
                last = Long.parseLong(m.group(2));
            } catch (NumberFormatException e) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-copy-source-range " + range + " has a position beyond"
                        + " any object's size", call.req().resource());
            }
            if (last < offset || last >= src.size()) {
                throw new S3Exception(S3Error.INVALID_RANGE, "the copy range " + range + " is outside the source's "
                        + src.size() + " bytes", call.req().resource());
            }
            length = last - offset + 1;
        }
        Instant now = call.ctx().clock().instant();
        try (StreamWriter w = call.bucket().handle().create(ObjectNames.part(uploadId, part))) {
            String etag = Digests.hex(src.copyTo(w, offset, length));
            Uploads.commitPart(call, uploadId, key, w, new ObjectMeta().etag(etag).modified(now));
            return S3Response.xml(XmlWriter.document("CopyPartResult").element("LastModified", Dates.iso(now))
                    .element("ETag", "\"" + etag + "\"").bytes());
        }
    }
}
