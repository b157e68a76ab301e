package dev.cistern.s3.op.multipart;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.op.object.Digests;
import dev.cistern.s3.op.object.Preconditions;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.store.ObjectStore;
import dev.cistern.s3.xml.XmlDoc;
import dev.cistern.s3.xml.XmlWriter;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * POST /bucket/key?uploadId=U with the part list. Parts must be listed in ascending order
 * (InvalidPartOrder), exist with the given ETags (InvalidPart), and all but the last be at least 5 MiB
 * (EntityTooSmall). The parts are then streamed into one new version: the engine finds every chunk
 * already stored, so this costs reading, not space. The ETag is MD5(part MD5s)-N, as S3 computes it.
 */
public final class CompleteMultipartUpload implements S3Operation {
    @Override
    public S3Response handle(S3Call call) throws Exception {
        String key = call.key();
        String uploadId = call.query("uploadId");
        ObjectMeta uploadMeta = Uploads.find(call, uploadId, key);
        XmlDoc doc = XmlDoc.parse(call.body().readAll(1 << 20), "CompleteMultipartUpload");
        List<XmlDoc> listed = doc.children("Part");
        if (listed.isEmpty()) {
            throw new S3Exception(S3Error.MALFORMED_XML, "the part list is empty", call.req().resource());
        }
        ObjectStore store = call.objects();
        ContainerHandle h = store.bucket().handle();
        List<EntryInfo> parts = new ArrayList<>();
        int previous = 0;
        MessageDigest md5s = MessageDigest.getInstance("MD5");
        int[] numbers = new int[listed.size()];
        for (int i = 0; i < listed.size(); i++) {
            try {
                numbers[i] = Integer.parseInt(listed.get(i).text("PartNumber").trim());
            } catch (RuntimeException e) {
                throw new S3Exception(S3Error.MALFORMED_XML, "every Part needs a numeric PartNumber", call.req().resource());
            }
            if (numbers[i] <= previous) {
                throw new S3Exception(S3Error.INVALID_PART_ORDER, "the list of parts was not in ascending order (part "
                        + numbers[i] + " after " + previous + ")", call.req().resource());
            }
            previous = numbers[i];
        }
        for (int i = 0; i < listed.size(); i++) {
            XmlDoc p = listed.get(i);
            int number = numbers[i];
            String etag = p.text("ETag");
            etag = etag == null ? "" : etag.trim().replace("\"", "");
            EntryInfo part = h.stat(ObjectNames.part(uploadId, number)).orElse(null);
            ObjectMeta pm = part == null ? null : new ObjectMeta(part.attributes());
            if (pm == null || !pm.etag().equals(etag)) {
                throw new S3Exception(S3Error.INVALID_PART, "part " + number + " was not found or its ETag '" + etag
                        + "' does not match the uploaded part's", call.req().resource());
            }
            if (i < listed.size() - 1 && part.size() < Uploads.MIN_PART) {
                throw new S3Exception(S3Error.ENTITY_TOO_SMALL, "part " + number + " is " + part.size()
                        + " bytes; every part but the last must be at least 5 MiB", call.req().resource());
            }
            md5s.update(HexFormat.of().parseHex(pm.etag()));
            parts.add(part);
        }
        String etag = Digests.hex(md5s.digest()) + "-" + parts.size();
        ObjectMeta meta = new ObjectMeta(uploadMeta.attrs);
        meta.attrs.remove(Uploads.KEY);
        meta.attrs.remove(Uploads.INITIATED);
        meta.etag(etag).partsCount(parts.size()).modified(call.ctx().clock().instant());
        try (StreamWriter w = h.create(ObjectNames.current(key))) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (EntryInfo part : parts) {
                try (FileEntry f = h.openFile(part.name())) {
                    long pos = 0;
                    while (true) {
                        buf.clear();
                        int n = f.read(pos, buf);
                        if (n <= 0) break;
                        buf.flip();
                        w.write(buf);
                        pos += n;
                    }
                }
            }
            store.publish(key, w, meta, cur -> Preconditions.checkWrite(call, cur));
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.NOT_FOUND) throw Uploads.noSuchUpload(call, uploadId);
            throw e;
        }
        h.delete(ObjectNames.upload(uploadId));
        AbortMultipartUpload.deleteParts(h, uploadId);
        S3Response r = S3Response.xml(XmlWriter.document("CompleteMultipartUploadResult")
                .element("Location", "/" + store.bucket().name() + "/" + key).element("Bucket", store.bucket().name())
                .element("Key", key).element("ETag", "\"" + etag + "\"").bytes());
        if (store.bucket().versioning() != null) r.header("x-amz-version-id", meta.versionId());
        return r;
    }
}
