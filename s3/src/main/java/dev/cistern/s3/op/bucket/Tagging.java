package dev.cistern.s3.op.bucket;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.Uri;
import dev.cistern.s3.xml.XmlDoc;
import dev.cistern.s3.xml.XmlWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tag sets of buckets and objects: the Tagging XML document and the stored form (a query string). */
public final class Tagging {
    private Tagging() {
    }

    /** Parses a Tagging document into the stored form; at most {@code maxTags} tags with S3's size limits. */
    public static String parse(byte[] xml, int maxTags) {
        XmlDoc doc = XmlDoc.parse(xml, "Tagging");
        XmlDoc set = doc.child("TagSet");
        if (set == null) throw new S3Exception(S3Error.MALFORMED_XML, "Tagging needs a TagSet");
        Map<String, String> tags = new LinkedHashMap<>();
        for (XmlDoc t : set.children("Tag")) {
            String k = t.text("Key");
            String v = t.text("Value");
            if (k == null || v == null) throw new S3Exception(S3Error.MALFORMED_XML, "every Tag needs Key and Value");
            if (k.isEmpty() || k.length() > 128 || v.length() > 256) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "tag keys are 1-128 and values 0-256 characters");
            }
            if (tags.put(k, v) != null) throw new S3Exception(S3Error.INVALID_ARGUMENT, "duplicate tag key '" + k + "'");
        }
        if (tags.size() > maxTags) throw new S3Exception(S3Error.INVALID_ARGUMENT, "more than " + maxTags + " tags");
        return encode(tags);
    }

    public static String encode(Map<String, String> tags) {
        StringBuilder sb = new StringBuilder();
        tags.forEach((k, v) -> {
            if (!sb.isEmpty()) sb.append('&');
            sb.append(Uri.encode(k, false)).append('=').append(Uri.encode(v, false));
        });
        return sb.toString();
    }

    public static Map<String, String> decode(String stored) {
        return Uri.parseQuery(stored);
    }

    public static byte[] document(String stored) {
        XmlWriter x = XmlWriter.document("Tagging").start("TagSet");
        if (stored != null) {
            decode(stored).forEach((k, v) -> x.start("Tag").element("Key", k).element("Value", v).end());
        }
        return x.bytes();
    }
}
