package dev.cistern.s3.op.bucket;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Response;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.op.S3Operation;
import dev.cistern.s3.store.Bucket;

/** GET /bucket?tagging; NoSuchTagSet when the bucket has none, as S3 answers. */
public final class GetBucketTagging implements S3Operation {
    @Override
    public S3Response handle(S3Call call) {
        Bucket b = call.bucket();
        String tags = b.props().get("tags");
        if (tags == null) throw new S3Exception(S3Error.NO_SUCH_TAG_SET, "the bucket '" + b.name() + "' has no tag set", b.name());
        return S3Response.xml(Tagging.document(tags));
    }
}
