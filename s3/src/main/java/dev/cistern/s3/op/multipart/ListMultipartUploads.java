package dev.cistern.s3.op.multipart;

import dev.cistern.engine.EntryInfo;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.xml.XmlWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * GET /bucket?uploads: uploads in progress ordered by key, then upload id, with prefix,
 * key-marker/upload-id-marker and max-uploads. Uploads are few (clients complete or abort them), so
 * they are read whole and sorted here.
 *
 * <p>Within a key the order is the upload id's, because upload-id-marker is defined as "ids
 * lexicographically greater": any other order (initiation time) would make a page boundary skip or
 * repeat uploads. Upload ids begin with their initiation time (see CreateMultipartUpload), so the
 * id order is also the initiation order S3 documents.
 */
public final class ListMultipartUploads implements S3Operation {
    private record Upload(String key, String id, Instant initiated) {
    }

    @Override
    public S3Response handle(S3Call call) {
        var bucket = call.bucket();
        String prefix = call.query("prefix") == null ? "" : call.query("prefix");
        String keyMarker = call.query("key-marker");
        String idMarker = call.query("upload-id-marker");
        int max = call.intQuery("max-uploads", 1000, 0, 1000);
        List<Upload> all = new ArrayList<>();
        String after = null;
        while (true) {
            List<EntryInfo> page = bucket.handle().list(ObjectNames.UPLOADS, after, 1000);
            for (EntryInfo e : page) {
                ObjectMeta m = new ObjectMeta(e.attributes());
                String key = m.attrs.get(Uploads.KEY);
                if (key == null || !key.startsWith(prefix)) continue;
                all.add(new Upload(key, e.name().substring(ObjectNames.UPLOADS.length()),
                        Instant.ofEpochMilli(Long.parseLong(m.attrs.getOrDefault(Uploads.INITIATED, "0")))));
                after = e.name();
            }
            if (page.size() < 1000) break;
            after = page.getLast().name();
        }
        all.sort(Comparator.comparing(Upload::key).thenComparing(Upload::id));
        if (keyMarker != null) {
            all.removeIf(u -> u.key().compareTo(keyMarker) < 0 || u.key().equals(keyMarker)
                    && (idMarker == null || u.id().compareTo(idMarker) <= 0));
        }
        boolean truncated = all.size() > max;
        List<Upload> shown = truncated ? all.subList(0, max) : all;
        XmlWriter x = XmlWriter.document("ListMultipartUploadsResult").element("Bucket", bucket.name())
                .element("KeyMarker", keyMarker == null ? "" : keyMarker)
                .element("UploadIdMarker", idMarker == null ? "" : idMarker).element("Prefix", prefix)
                .element("MaxUploads", max).element("IsTruncated", truncated);
        if (truncated && !shown.isEmpty()) {
            x.element("NextKeyMarker", shown.getLast().key()).element("NextUploadIdMarker", shown.getLast().id());
        }
        for (Upload u : shown) {
            x.start("Upload").element("Key", u.key()).element("UploadId", u.id())
                    .start("Initiator").element("ID", call.user()).element("DisplayName", call.user()).end()
                    .start("Owner").element("ID", call.user()).element("DisplayName", call.user()).end()
                    .element("StorageClass", "STANDARD").element("Initiated", Dates.iso(u.initiated())).end();
        }
        return S3Response.xml(x.bytes());
    }
}
