package dev.cistern.s3.op.bucket;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.http.Uri;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.xml.XmlWriter;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** GET /bucket?list-type=2: prefix, delimiter, start-after, continuation-token, max-keys, encoding-type=url. */
public final class ListObjectsV2 implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        var bucket = call.bucket();
        String prefix = orEmpty(call.query("prefix"));
        String delimiter = call.query("delimiter");
        String startAfter = call.query("start-after");
        String token = call.query("continuation-token");
        int maxKeys = call.intQuery("max-keys", 1000, 0, 1000);
        boolean url = encoding(call);
        String from = startAfter;
        if (token != null) {
            try {
                from = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "the continuation token is not valid", bucket.name());
            }
        }
        Listing.Result r = Listing.list(bucket.handle(), prefix, delimiter, from, maxKeys);
        boolean owner = "true".equals(call.query("fetch-owner"));
        XmlWriter x = XmlWriter.document("ListBucketResult");
        x.element("Name", bucket.name()).element("Prefix", enc(prefix, url)).element("Delimiter", enc(delimiter, url))
                .element("MaxKeys", maxKeys).element("KeyCount", r.items().size() + r.prefixes().size())
                .element("IsTruncated", r.truncated());
        if (url) x.element("EncodingType", "url");
        if (token != null) x.element("ContinuationToken", token);
        if (startAfter != null) x.element("StartAfter", enc(startAfter, url));
        if (r.truncated()) {
            x.element("NextContinuationToken",
                    Base64.getUrlEncoder().withoutPadding().encodeToString(r.last().getBytes(StandardCharsets.UTF_8)));
        }
        for (Listing.Item it : r.items()) {
            x.start("Contents").element("Key", enc(it.key(), url))
                    .element("LastModified", Dates.iso(it.meta().modifiedOr(it.entry().modifiedAt())))
                    .element("ETag", "\"" + it.meta().etag() + "\"").element("Size", it.entry().size())
                    .element("StorageClass", "STANDARD");
            if (owner) x.start("Owner").element("ID", bucket.owner()).element("DisplayName", bucket.owner()).end();
            x.end();
        }
        for (String p : r.prefixes()) x.start("CommonPrefixes").element("Prefix", enc(p, url)).end();
        return S3Response.xml(x.bytes());
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static boolean encoding(S3Call call) {
        String e = call.query("encoding-type");
        if (e == null) return false;
        if (!e.equals("url")) throw new S3Exception(S3Error.INVALID_ARGUMENT, "encoding-type must be 'url'");
        return true;
    }

    static String enc(String s, boolean url) {
        return s == null || !url ? s : Uri.encode(s, true);
    }
}
