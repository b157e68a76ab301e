package dev.cistern.s3.auth;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.BlockReadStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decodes an {@code aws-chunked} body: {@code hex-size[;chunk-signature=sig]CRLF data CRLF}, ending with a
 * zero-size chunk and, in the trailer modes, trailing headers ({@code x-amz-checksum-crc32:...}).
 *
 * <p>With signed chunks every chunk's signature is checked against the chain seeded by the request
 * signature; a chunk's data is passed on before its signature is known, which is safe because the
 * operation only commits after the stream has ended without error. A bad signature, bad framing, a
 * body that ends early or a trailer that lacks a header x-amz-trailer declared is an S3Exception from
 * {@code read}, so nothing is stored: the declared checksum is the client's only integrity claim in
 * the unsigned trailer mode, and accepting its absence would store the body unchecked.
 */
public final class AwsChunkedStream extends BlockReadStream {
    private static final int MAX_LINE = 8192;
    private static final long MAX_CHUNK = 64L << 20;

    private final InputStream in;
    private final AuthResult auth;
    private final boolean signedChunks;
    private final boolean trailer;
    private final Set<String> declaredTrailers;
    private final Map<String, String> trailers = new LinkedHashMap<>();
    private String previousSignature;
    private String chunkSignature;
    private MessageDigest chunkDigest;
    private long remaining;
    private boolean done;
    private long decoded;

    /**
     * @param declaredTrailers the trailing headers x-amz-trailer declared (lower case), each required;
     *                         null when the mode has no trailer
     */
    public AwsChunkedStream(InputStream in, AuthResult auth, boolean signedChunks, Set<String> declaredTrailers) {
        this.in = in;
        this.auth = auth;
        this.signedChunks = signedChunks;
        this.trailer = declaredTrailers != null;
        this.declaredTrailers = declaredTrailers == null ? Set.of() : declaredTrailers;
        this.previousSignature = auth == null ? null : auth.seedSignature();
    }

    /** Trailing headers (lower-case names); complete once the stream returned -1. */
    public Map<String, String> trailers() {
        return trailers;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (done) return -1;
        if (len == 0) return 0;
        while (remaining == 0) {
            if (inData) finishDataChunk();
            if (!startChunk()) return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) throw truncated();
        if (chunkDigest != null) chunkDigest.update(b, off, n);
        remaining -= n;
        decoded += n;
        return n;
    }

    private boolean inData;

    private boolean startChunk() throws IOException {
        String line = rawLine();
        if (line == null) throw truncated();
        String sizePart = line;
        String sig = null;
        int semi = line.indexOf(';');
        if (semi >= 0) {
            sizePart = line.substring(0, semi);
            String ext = line.substring(semi + 1).trim();
            if (ext.startsWith("chunk-signature=")) sig = ext.substring("chunk-signature=".length());
        }
        long size;
        try {
            size = Long.parseLong(sizePart.trim(), 16);
        } catch (NumberFormatException e) {
            throw malformed("chunk header '" + abbreviate(line) + "' does not start with a hex size");
        }
        if (size < 0 || size > MAX_CHUNK) throw malformed("chunk size " + size + " is out of range");
        if (signedChunks) {
            if (sig == null) {
                throw new S3Exception(S3Error.SIGNATURE_DOES_NOT_MATCH,
                        "the chunk at decoded offset " + decoded + " has no chunk-signature");
            }
            chunkSignature = sig;
            chunkDigest = SigV4.sha256();
        }
        if (size == 0) {
            if (signedChunks) checkChunkSignature();
            readTrailer();
            done = true;
            return false;
        }
        remaining = size;
        inData = true;
        return true;
    }

    /** A data chunk was read whole: check its signature and the CRLF that closes it. */
    private void finishDataChunk() throws IOException {
        inData = false;
        if (signedChunks) checkChunkSignature();
        String end = rawLine();
        if (end == null) throw truncated();
        if (!end.isEmpty()) throw malformed("chunk data at decoded offset " + decoded + " is longer than its declared size");
    }

    private void checkChunkSignature() {
        String stringToSign = "AWS4-HMAC-SHA256-PAYLOAD\n" + auth.amzDate() + "\n" + auth.scope() + "\n"
                + previousSignature + "\n" + SigV4.EMPTY_SHA256 + "\n" + SigV4.hex(chunkDigest.digest());
        String expected = SigV4.hex(SigV4.hmac(auth.signingKey(), stringToSign));
        if (!SigV4.same(expected, chunkSignature)) {
            throw new S3Exception(S3Error.SIGNATURE_DOES_NOT_MATCH,
                    "the chunk signature ending at decoded offset " + decoded + " does not match");
        }
        previousSignature = expected;
        chunkDigest = null;
    }

    private void readTrailer() throws IOException {
        StringBuilder canonical = new StringBuilder();
        String trailerSignature = null;
        String line;
        while ((line = rawLine()) != null && !line.isEmpty()) {
            if (!trailer) throw malformed("unexpected data after the final chunk");
            int colon = line.indexOf(':');
            if (colon <= 0) throw malformed("trailing header '" + abbreviate(line) + "' has no name");
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("x-amz-trailer-signature")) {
                trailerSignature = value;
            } else {
                trailers.put(name, value);
                canonical.append(name).append(':').append(value).append('\n');
            }
        }
        if (trailer && signedChunks) {
            String stringToSign = "AWS4-HMAC-SHA256-TRAILER\n" + auth.amzDate() + "\n" + auth.scope() + "\n"
                    + previousSignature + "\n" + SigV4.sha256Hex(canonical.toString());
            String expected = SigV4.hex(SigV4.hmac(auth.signingKey(), stringToSign));
            if (!SigV4.same(expected, trailerSignature)) {
                throw new S3Exception(S3Error.SIGNATURE_DOES_NOT_MATCH, "the trailer signature does not match");
            }
        }
        for (String name : declaredTrailers) {
            if (!trailers.containsKey(name)) {
                throw new S3Exception(S3Error.MALFORMED_TRAILER, "x-amz-trailer declared '" + name
                        + "' but the body's trailer does not carry it; send the trailing header or do not declare it");
            }
        }
    }

    private String rawLine() throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(64);
        while (true) {
            int c = in.read();
            if (c < 0) return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
            if (c == '\n') break;
            if (buf.size() >= MAX_LINE) throw malformed("a chunk header line is longer than " + MAX_LINE + " bytes");
            buf.write(c);
        }
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static S3Exception malformed(String what) {
        return new S3Exception(S3Error.INCOMPLETE_BODY, "malformed aws-chunked body: " + what);
    }

    private S3Exception truncated() {
        return new S3Exception(S3Error.INCOMPLETE_BODY, "the aws-chunked body ended after " + decoded
                + " decoded bytes, before its final chunk");
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
