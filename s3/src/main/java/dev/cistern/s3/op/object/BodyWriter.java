package dev.cistern.s3.op.object;

import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.RequestBody;
import io.netty.handler.codec.http.HttpHeaders;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Streams a request body into an engine writer while computing its MD5 and requested checksums, then
 * checks Content-MD5 and every x-amz-checksum given in headers or trailers. Any failure (bad digest,
 * bad chunk signature, truncated body) is thrown before the caller commits, so nothing becomes visible.
 */
public final class BodyWriter {
    private static final int BUF = 256 * 1024;

    /** What was written: size, MD5 (hex, the ETag) and the verified checksums (algorithm → base64). */
    public record Written(long size, String md5Hex, byte[] md5, Map<String, String> checksums) {
    }

    private BodyWriter() {
    }

    public static Written write(RequestBody body, HttpHeaders headers, StreamWriter out, String resource) throws IOException {
        byte[] contentMd5 = null;
        String cm = headers.get("Content-MD5");
        if (cm != null) {
            try {
                contentMd5 = Base64.getDecoder().decode(cm.trim());
            } catch (IllegalArgumentException e) {
                contentMd5 = new byte[0];
            }
            if (contentMd5.length != 16) {
                throw new S3Exception(S3Error.INVALID_DIGEST, "the Content-MD5 you specified is not a base64 MD5", resource);
            }
        }
        Digests d = new Digests(Digests.requested(headers));
        byte[] buf = new byte[BUF];
        long size = 0;
        while (true) {
            int fill = 0;
            int n = 0;
            while (fill < buf.length && (n = body.stream().read(buf, fill, buf.length - fill)) > 0) fill += n;
            if (fill > 0) {
                d.update(buf, 0, fill);
                out.write(ByteBuffer.wrap(buf, 0, fill));
                size += fill;
            }
            if (n < 0) break;
        }
        byte[] md5 = d.md5();
        if (contentMd5 != null && !java.security.MessageDigest.isEqual(md5, contentMd5)) {
            throw new S3Exception(S3Error.BAD_DIGEST, "the Content-MD5 you specified did not match what we received", resource);
        }
        Map<String, String> sums = d.checksums();
        Map<String, String> trailers = body.trailers().get();
        for (Map.Entry<String, String> e : sums.entrySet()) {
            String name = "x-amz-checksum-" + e.getKey();
            String claimed = headers.get(name);
            if (claimed == null) claimed = trailers.get(name);
            if (claimed != null && !claimed.trim().equals(e.getValue())) {
                throw new S3Exception(S3Error.BAD_DIGEST, "the " + e.getKey().toUpperCase(Locale.ROOT)
                        + " you specified did not match the calculated checksum", resource);
            }
        }
        return new Written(size, Digests.hex(md5), md5, sums);
    }
}
