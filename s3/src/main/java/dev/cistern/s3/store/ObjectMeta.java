package dev.cistern.s3.store;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The S3 metadata of one object version, kept as the entry's string attributes. Attribute names are
 * short and fixed here, in one place, because they are an on-disk format:
 * {@code etag, ct, mtime, vid, dm, parts, ck.<algo>, m.<user-meta>, h.<header>, lock.mode, lock.until, lock.hold, tags}.
 */
public final class ObjectMeta {
    /** Headers stored as given and returned on GET/HEAD. */
    public static final String[] STORED_HEADERS = {
        "Content-Encoding", "Content-Disposition", "Content-Language", "Cache-Control", "Expires",
        "x-amz-website-redirect-location", "x-amz-storage-class"
    };
    public static final String[] CHECKSUMS = {"crc32", "crc32c", "sha1", "sha256", "crc64nvme"};

    public final Map<String, String> attrs;

    public ObjectMeta(Map<String, String> attrs) {
        this.attrs = new TreeMap<>(attrs == null ? Map.of() : attrs);
    }

    public ObjectMeta() {
        this(Map.of());
    }

    public String etag() {
        return attrs.get("etag");
    }

    public ObjectMeta etag(String e) {
        attrs.put("etag", e);
        return this;
    }

    public String contentType() {
        return attrs.getOrDefault("ct", "binary/octet-stream");
    }

    public ObjectMeta contentType(String ct) {
        if (ct != null) attrs.put("ct", ct);
        return this;
    }

    public Instant modifiedOr(Instant fallback) {
        String m = attrs.get("mtime");
        return m == null ? fallback : Instant.ofEpochMilli(Long.parseLong(m));
    }

    public ObjectMeta modified(Instant t) {
        attrs.put("mtime", Long.toString(t.toEpochMilli()));
        return this;
    }

    /** The version id, "null" for objects written while versioning was off or suspended. */
    public String versionId() {
        return attrs.getOrDefault("vid", "null");
    }

    public ObjectMeta versionId(String vid) {
        if (vid == null || vid.equals("null")) attrs.remove("vid"); else attrs.put("vid", vid);
        return this;
    }

    public boolean deleteMarker() {
        return attrs.containsKey("dm");
    }

    public ObjectMeta deleteMarker(boolean dm) {
        if (dm) attrs.put("dm", "1"); else attrs.remove("dm");
        return this;
    }

    public int partsCount() {
        return Integer.parseInt(attrs.getOrDefault("parts", "0"));
    }

    public ObjectMeta partsCount(int n) {
        attrs.put("parts", Integer.toString(n));
        return this;
    }

    public String checksum(String algo) {
        return attrs.get("ck." + algo);
    }

    public ObjectMeta checksum(String algo, String value) {
        if (value != null) attrs.put("ck." + algo, value);
        return this;
    }

    public Map<String, String> userMetadata() {
        Map<String, String> out = new LinkedHashMap<>();
        attrs.forEach((k, v) -> {
            if (k.startsWith("m.")) out.put(k.substring(2), v);
        });
        return out;
    }

    public ObjectMeta userMetadata(Map<String, String> meta) {
        attrs.keySet().removeIf(k -> k.startsWith("m."));
        meta.forEach((k, v) -> attrs.put("m." + k, v));
        return this;
    }

    public Map<String, String> storedHeaders() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String h : STORED_HEADERS) {
            String v = attrs.get("h." + h.toLowerCase());
            if (v != null) out.put(h, v);
        }
        return out;
    }

    public ObjectMeta storedHeader(String header, String value) {
        if (value != null) attrs.put("h." + header.toLowerCase(), value);
        return this;
    }

    public String lockMode() {
        return attrs.get("lock.mode");
    }

    public Instant lockUntil() {
        String u = attrs.get("lock.until");
        return u == null ? null : Instant.parse(u);
    }

    public ObjectMeta retention(String mode, Instant until) {
        if (mode == null) {
            attrs.remove("lock.mode");
            attrs.remove("lock.until");
        } else {
            attrs.put("lock.mode", mode);
            attrs.put("lock.until", until.toString());
        }
        return this;
    }

    public boolean legalHold() {
        return "ON".equals(attrs.get("lock.hold"));
    }

    public ObjectMeta legalHold(boolean on) {
        if (on) attrs.put("lock.hold", "ON"); else attrs.remove("lock.hold");
        return this;
    }

    /** Tags as an encoded query string (k=v&amp;k2=v2), or null. */
    public String tags() {
        return attrs.get("tags");
    }

    public ObjectMeta tags(String encoded) {
        if (encoded == null || encoded.isEmpty()) attrs.remove("tags"); else attrs.put("tags", encoded);
        return this;
    }

    public Map<String, String> toMap() {
        return new TreeMap<>(attrs);
    }
}
