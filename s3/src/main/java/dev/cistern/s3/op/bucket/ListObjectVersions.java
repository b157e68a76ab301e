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
 * GET /bucket?versions: every version and delete marker, by key, newest first. Walks the keys in order
 * ({@link VersionedKeys}) and, for each, its current version and its noncurrent versions
 * (v/KEY\u0001...), which are named to sort newest first. A noncurrent copy with the current version's id (left by a crash between
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
        VersionedKeys keys = new VersionedKeys(h, prefix, keyMarker, vidMarker != null);
        outer:
        while (keys.hasNext()) {
            String key = keys.next();
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
            List<Row> versions = versionsOf(h, key);
            if (key.equals(keyMarker) && vidMarker != null) versions = after(versions, vidMarker);
            for (Row r : versions) {
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

    /**
     * The versions listed after {@code vidMarker}: by its position in this listing's own order, which is
     * not the id order when "null" versions are involved. A marker that has gone (deleted since the
     * previous page) falls back to the id order of generated ids, which is their age.
     */
    private static java.time.Instant modified(Row r) {
        return r.meta().modifiedOr(r.entry().modifiedAt());
    }

    private static List<Row> after(List<Row> versions, String vidMarker) {
        for (int i = 0; i < versions.size(); i++) {
            if (versions.get(i).meta().versionId().equals(vidMarker)) return versions.subList(i + 1, versions.size());
        }
        if ("null".equals(vidMarker)) return versions;
        return versions.stream().filter(r -> r.meta().versionId().equals("null") ? !r.latest()
                : r.meta().versionId().compareTo(vidMarker) > 0).toList();
    }

    /**
     * The versions of {@code key}, newest first: the current one, then the noncurrent ones in name
     * order (generated ids sort newest first), with a noncurrent "null" version, whose id sorts after
     * every generated one, placed by its time.
     */
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
        Row nullRow = out.stream().filter(r -> !r.latest() && r.meta().versionId().equals("null")).findFirst().orElse(null);
        if (nullRow != null) {
            out.remove(nullRow);
            int at = out.size();
            for (int i = 0; i < out.size(); i++) {
                if (!out.get(i).latest() && modified(out.get(i)).isBefore(modified(nullRow))) {
                    at = i;
                    break;
                }
            }
            out.add(at, nullRow);
        }
        return out;
    }
}
