package dev.cistern.s3.op.multipart;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.EngineErrors;
import dev.cistern.s3.S3Dispatcher;
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
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * POST /bucket/key?uploadId=U with the part list. Parts must be listed in ascending order
 * (InvalidPartOrder), exist with the given ETags (InvalidPart), and all but the last be at least 5 MiB
 * (EntityTooSmall). The new version is then made of the parts by reference: their recipes are copied,
 * no data is read or stored again. The ETag is MD5(part MD5s)-N, as S3 computes it.
 */
public final class CompleteMultipartUpload implements S3Operation {
    /** Objects at least this large are assembled behind a 200 kept alive with whitespace (SDK read timeouts are ~30 s). */
    static final long DEFERRED_ABOVE = 64L << 20;
    /** Room for all 10000 parts, each with ETag and every checksum element an SDK may add (~300 bytes). */
    static final int MAX_DOCUMENT = 4 << 20;

    @Override
    public S3Response handle(S3Call call) throws Exception {
        String key = call.key();
        String uploadId = call.query("uploadId");
        ObjectMeta uploadMeta = Uploads.find(call, uploadId, key);
        XmlDoc doc = XmlDoc.parse(call.body().readAll(MAX_DOCUMENT), "CompleteMultipartUpload");
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
                // a part gone because a concurrent Complete or Abort ended the upload is NoSuchUpload
                Uploads.find(call, uploadId, key);
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
        long total = parts.stream().mapToLong(EntryInfo::size).sum();
        if (total < DEFERRED_ABOVE) {
            assemble(call, store, uploadId, key, parts, meta);
            S3Response r = S3Response.xml(result(store, key, etag, true));
            if (store.bucket().versioning() != null) r.header("x-amz-version-id", meta.versionId());
            return r;
        }
        // a large object takes a while to assemble: answer 200 now and keep the connection alive
        return S3Response.deferredXml(() -> {
            try {
                assemble(call, store, uploadId, key, parts, meta);
                return result(store, key, etag, false);
            } catch (S3Exception e) {
                return S3Dispatcher.errorDocument(e, call.req(), null, false);
            } catch (EngineException e) {
                return S3Dispatcher.errorDocument(EngineErrors.toS3(e, call.req().resource(), true), call.req(), null, false);
            }
        });
    }

    /**
     * Streams the parts, in order, into one new version, publishes it, then drops the upload and its parts.
     * The publish and the removal of the upload entry happen together under the key lock, after checking
     * the entry is still there: of two Completes of one upload (or a Complete and an Abort) only the
     * first gets to publish, the other gets NoSuchUpload and its uncommitted copy of the parts is dropped.
     */
    private static void assemble(S3Call call, ObjectStore store, String uploadId, String key, List<EntryInfo> parts,
                                 ObjectMeta meta) {
        ContainerHandle h = store.bucket().handle();
        try (StreamWriter w = h.create(ObjectNames.current(key))) {
            // by reference: the parts' chunks are neither read nor stored again, only their recipes copied
            for (EntryInfo part : parts) w.writeCopyOf(part.name());
            store.withKeyLock(key, () -> {
                Uploads.find(call, uploadId, key);
                store.publish(key, w, meta, cur -> Preconditions.checkWrite(call, cur));
                h.delete(ObjectNames.upload(uploadId));
                return null;
            });
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.NOT_FOUND) throw Uploads.noSuchUpload(call, uploadId);
            throw e;
        }
        AbortMultipartUpload.deleteParts(h, uploadId);
    }

    private static byte[] result(ObjectStore store, String key, String etag, boolean declaration) {
        return XmlWriter.document("CompleteMultipartUploadResult", declaration)
                .element("Location", "/" + store.bucket().name() + "/" + key).element("Bucket", store.bucket().name())
                .element("Key", key).element("ETag", "\"" + etag + "\"").bytes();
    }
}
