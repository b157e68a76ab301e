package dev.cistern.s3.op.bucket;

import dev.cistern.engine.ContainerInfo;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.Dates;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.xml.XmlWriter;

/** GET / : the caller's buckets. */
public final class ListBuckets implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        XmlWriter x = XmlWriter.document("ListAllMyBucketsResult");
        x.start("Owner").element("ID", call.user()).element("DisplayName", call.user()).end();
        x.start("Buckets");
        for (ContainerInfo c : call.ctx().buckets().list(call.user())) {
            x.start("Bucket").element("Name", c.name()).element("CreationDate", Dates.iso(c.createdAt())).end();
        }
        x.end();
        return S3Response.xml(x.bytes());
    }
}
