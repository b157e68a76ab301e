package dev.cistern.s3.op.bucket;

import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.xml.XmlWriter;

/** GET /bucket: the original listing with marker and NextMarker. */
public final class ListObjectsV1 implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        var bucket = call.bucket();
        String prefix = ListObjectsV2.orEmpty(call.query("prefix"));
        String delimiter = call.query("delimiter");
        String marker = call.query("marker");
        int maxKeys = call.intQuery("max-keys", 1000, 0, 1000);
        boolean url = ListObjectsV2.encoding(call);
        Listing.Result r = Listing.list(bucket.handle(), prefix, delimiter, marker, maxKeys);
        XmlWriter x = XmlWriter.document("ListBucketResult");
        x.element("Name", bucket.name()).element("Prefix", ListObjectsV2.enc(prefix, url))
                .element("Marker", ListObjectsV2.enc(marker == null ? "" : marker, url))
                .element("Delimiter", ListObjectsV2.enc(delimiter, url))
                .element("MaxKeys", maxKeys).element("IsTruncated", r.truncated());
        if (url) x.element("EncodingType", "url");
        if (r.truncated()) x.element("NextMarker", ListObjectsV2.enc(r.last(), url));
        for (Listing.Item it : r.items()) {
            x.start("Contents").element("Key", ListObjectsV2.enc(it.key(), url))
                    .element("LastModified", Dates.iso(it.meta().modifiedOr(it.entry().modifiedAt())))
                    .element("ETag", "\"" + it.meta().etag() + "\"").element("Size", it.entry().size())
                    .element("StorageClass", "STANDARD")
                    .start("Owner").element("ID", bucket.owner()).element("DisplayName", bucket.owner()).end()
                    .end();
        }
        for (String p : r.prefixes()) x.start("CommonPrefixes").element("Prefix", ListObjectsV2.enc(p, url)).end();
        return S3Response.xml(x.bytes());
    }
}
