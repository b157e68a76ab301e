package dev.cistern.s3.op.object;

import dev.cistern.engine.FileEntry;
import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.Uri;
import dev.cistern.s3.op.S3Call;
import dev.cistern.s3.store.Bucket;
import dev.cistern.s3.store.ObjectNames;
import dev.cistern.s3.store.ObjectStore;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * The object named by x-amz-copy-source ({@code [/]bucket/key[?versionId=id]}, URL-encoded), as used by
 * CopyObject and UploadPartCopy, with its x-amz-copy-source-if-* conditions.
 */
public record CopySource(Bucket bucket, String key, ObjectStore.Version version) {

    public static CopySource resolve(S3Call call) {
        String raw = call.header("x-amz-copy-source");
        String versionId = null;
        String path;
        try {
            int q = raw.indexOf('?');
            if (q >= 0) {
                versionId = Uri.parseQuery(raw.substring(q + 1)).get("versionId");
                raw = raw.substring(0, q);
            }
            path = Uri.decode(raw, false);
        } catch (IllegalArgumentException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-copy-source is not valid URL encoding", call.req().resource());
        }
        if (path.startsWith("/")) path = path.substring(1);
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-copy-source must be bucket/key", call.req().resource());
        }
        String bucketName = path.substring(0, slash);
        String key = path.substring(slash + 1);
        ObjectNames.checkKey(key);
        Bucket b = call.ctx().buckets().get(bucketName, call.user());
        ObjectStore.Version v = new ObjectStore(b, call.ctx().locks(), call.ctx().clock()).resolve(key, versionId);
        if (v.meta().deleteMarker()) {
            throw new S3Exception(S3Error.INVALID_REQUEST, "the copy source is a delete marker", bucketName + "/" + key);
        }
        CopySource src = new CopySource(b, key, v);
        src.checkConditions(call);
        return src;
    }

    private void checkConditions(S3Call call) {
        String etag = version.meta().etag();
        String ifMatch = call.header("x-amz-copy-source-if-match");
        String ifNoneMatch = call.header("x-amz-copy-source-if-none-match");
        if (ifMatch != null && !Preconditions.matches(ifMatch, etag)
                || ifNoneMatch != null && Preconditions.matches(ifNoneMatch, etag)) {
            throw new S3Exception(S3Error.PRECONDITION_FAILED, "a copy-source precondition did not hold",
                    bucket.name() + "/" + key);
        }
    }

    /**
     * Copies {@code length} bytes from {@code offset} of the source into {@code out} and returns their MD5.
     * Identical chunks are found by the engine's dedup, so the copy takes (almost) no new space.
     */
    public byte[] copyTo(StreamWriter out, long offset, long length) {
        MessageDigest md5 = Digests.digest("MD5");
        try (FileEntry f = bucket.handle().openFile(version.entryName())) {
            long end = offset + length;
            if (end > f.size()) {
                throw new S3Exception(S3Error.INVALID_RANGE, "the copy range ends beyond the source's " + f.size() + " bytes",
                        bucket.name() + "/" + key);
            }
            ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
            long pos = offset;
            while (pos < end) {
                buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                int n = f.read(pos, buf);
                if (n <= 0) throw new S3Exception(S3Error.INTERNAL_ERROR, "the copy source ended early", bucket.name() + "/" + key);
                buf.flip();
                md5.update(buf.array(), 0, n);
                out.write(buf);
                pos += n;
            }
        }
        return md5.digest();
    }

    public long size() {
        return version.info().size();
    }
}
