package dev.cistern.s3.op.bucket;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EntryInfo;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.ObjectMeta;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.xml.XmlWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * GET /bucket?versions: every version and delete marker, by key, newest first. Walks the current
 * versions (o/) in key order and, for each key, its noncurrent versions (v/KEY\u0001...), which are
 * named to sort newest first. A noncurrent copy with the current version's id (left by a crash between
 * copy and commit) is the same version and is shown once.
 */
public final class ListObjectVersions implements S3Operation {
    private record Row(String key, EntryInfo entry, ObjectMeta meta, boolean latest) {
    }

    @Override
    public S3Response handle(S3Call call) {
        var bucket = call.bucket();
        ContainerHandle h = bucket.handle();
        String prefix = call.query("prefix") == null ? "" : call.query("prefix");
        String delimiter = call.query("delimiter");
        String keyMarker = call.query("key-marker");
        String vidMarker = call.query("version-id-marker");
        int max = call.intQuery("max-keys", 1000, 0, 1000);
        boolean url = ListObjectsV2.encoding(call);
        List<Row> rows = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean truncated = false;
        String nextKey = null, nextVid = null;
        List<String> keys = keysWithVersions(h, prefix, keyMarker, vidMarker);
        outer:
        for (String key : keys) {
            if (delimiter != null && !delimiter.isEmpty()) {
                int cut = key.indexOf(delimiter, prefix.length());
                if (cut >= 0) {
                    String cp = key.substring(0, cut + delimiter.length());
                    if (!prefixes.isEmpty() && prefixes.getLast().equals(cp)) continue;
                    if (rows.size() + prefixes.size() >= max) {
                        truncated = true;
                        break;
                    }
                    prefixes.add(cp);
                    nextKey = cp;
                    nextVid = null;
                    continue;
                }
            }
            for (Row r : versionsOf(h, key)) {
                if (key.equals(keyMarker) && vidMarker != null && r.meta().versionId().compareTo(vidMarker) <= 0
                        && !"null".equals(vidMarker)) {
                    continue;
                }
                if (rows.size() + prefixes.size() >= max) {
                    truncated = true;
                    break outer;
                }
                rows.add(r);
                nextKey = key;
                nextVid = r.meta().versionId();
            }
        }
        XmlWriter x = XmlWriter.document("ListVersionsResult").element("Name", bucket.name())
                .element("Prefix", ListObjectsV2.enc(prefix, url)).element("KeyMarker", keyMarker == null ? "" : keyMarker)
                .element("VersionIdMarker", vidMarker == null ? "" : vidMarker).element("MaxKeys", max)
                .element("Delimiter", ListObjectsV2.enc(delimiter, url)).element("IsTruncated", truncated);
        if (url) x.element("EncodingType", "url");
        if (truncated) x.element("NextKeyMarker", ListObjectsV2.enc(nextKey, url)).element("NextVersionIdMarker", nextVid);
        for (Row r : rows) {
            String tag = r.meta().deleteMarker() ? "DeleteMarker" : "Version";
            x.start(tag).element("Key", ListObjectsV2.enc(r.key(), url)).element("VersionId", r.meta().versionId())
                    .element("IsLatest", r.latest())
                    .element("LastModified", Dates.iso(r.meta().modifiedOr(r.entry().modifiedAt())));
            if (!r.meta().deleteMarker()) {
                x.element("ETag", "\"" + r.meta().etag() + "\"").element("Size", r.entry().size())
                        .element("StorageClass", "STANDARD");
            }
            x.start("Owner").element("ID", bucket.owner()).element("DisplayName", bucket.owner()).end().end();
        }
        for (String p : prefixes) x.start("CommonPrefixes").element("Prefix", ListObjectsV2.enc(p, url)).end();
        return S3Response.xml(x.bytes());
    }

    /** Keys under {@code prefix} that have a current or a noncurrent version, in order, from the marker on. */
    private static List<String> keysWithVersions(ContainerHandle h, String prefix, String keyMarker, String vidMarker) {
        java.util.TreeSet<String> keys = new java.util.TreeSet<>();
        for (String kind : new String[] {ObjectNames.OBJECTS, ObjectNames.VERSIONS}) {
            String after = null;
            while (true) {
                List<EntryInfo> page = h.list(kind + prefix, after, 1000);
                for (EntryInfo e : page) {
                    String k = e.name().substring(kind.length());
                    if (kind.equals(ObjectNames.VERSIONS)) k = k.substring(0, k.lastIndexOf(ObjectNames.VERSION_SEP));
                    keys.add(k);
                }
                if (page.size() < 1000) break;
                after = page.getLast().name();
            }
        }
        if (keyMarker != null) {
            return new ArrayList<>(vidMarker == null ? keys.tailSet(keyMarker, false) : keys.tailSet(keyMarker, true));
        }
        return new ArrayList<>(keys);
    }

    private static List<Row> versionsOf(ContainerHandle h, String key) {
        List<Row> out = new ArrayList<>();
        String currentVid = null;
        var cur = h.stat(ObjectNames.current(key));
        if (cur.isPresent()) {
            ObjectMeta m = new ObjectMeta(cur.get().attributes());
            currentVid = m.versionId();
            out.add(new Row(key, cur.get(), m, true));
        }
        for (EntryInfo e : h.list(ObjectNames.versionsOf(key), null, 100000)) {
            ObjectMeta m = new ObjectMeta(e.attributes());
            if (m.versionId().equals(currentVid)) continue;
            out.add(new Row(key, e, m, false));
        }
        return out;
    }
}
