package dev.cistern.s3.http;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The decoded request body an operation reads: aws-chunked framing removed, chunk signatures and the
 * payload hash checked as it streams (a failure is thrown from {@code read}).
 *
 * @param length   decoded length when the client declared it, else -1
 * @param trailers trailing headers of an aws-chunked body; complete after the stream ended
 */
public record RequestBody(InputStream stream, long length, Supplier<Map<String, String>> trailers) {

    /** Reads a small body (an XML document) whole; bodies over {@code max} bytes are refused. */
    public byte[] readAll(int max) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = stream.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > max) {
                throw new S3Exception(S3Error.MALFORMED_XML, "the request body is larger than " + max + " bytes");
            }
        }
        return out.toByteArray();
    }
}
