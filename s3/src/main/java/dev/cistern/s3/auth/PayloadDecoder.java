package dev.cistern.s3.auth;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.BlockReadStream;
import dev.cistern.s3.http.RequestBody;
import dev.cistern.s3.http.S3Request;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Chooses how to read a request body from its x-amz-content-sha256 mode: a plain body checked against
 * the signed SHA-256, an unsigned plain body, or one of the three aws-chunked streaming forms.
 */
public final class PayloadDecoder {
    private PayloadDecoder() {
    }

    public static RequestBody open(S3Request req, AuthResult auth, InputStream raw) {
        String mode = auth.payloadHash();
        String encoding = req.header("Content-Encoding");
        boolean chunked = mode.startsWith("STREAMING-") || (encoding != null && encoding.contains("aws-chunked"));
        long declared = parseLength(req.header("Content-Length"));
        if (req.header("x-amz-trailer") != null && !(chunked && mode.endsWith("-TRAILER"))) {
            throw new S3Exception(S3Error.INVALID_REQUEST, "x-amz-trailer is set but x-amz-content-sha256 '" + mode
                    + "' is not a -TRAILER mode of an aws-chunked body, so the declared trailer cannot arrive", req.resource());
        }
        if (chunked) {
            boolean signed = mode.equals(SigV4.STREAMING_SIGNED) || mode.equals(SigV4.STREAMING_SIGNED_TRAILER);
            boolean trailer = mode.endsWith("-TRAILER");
            if (!signed && !trailer && !mode.equals(SigV4.UNSIGNED_PAYLOAD)) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "unsupported x-amz-content-sha256 mode '" + mode + "'");
            }
            AwsChunkedStream s = new AwsChunkedStream(new BufferedInputStream(raw, 65536), auth, signed,
                    trailer ? declaredTrailers(req) : null);
            long decoded = parseLength(req.header("x-amz-decoded-content-length"));
            return new RequestBody(new LengthCheck(s, decoded), decoded, s::trailers);
        }
        InputStream in = raw;
        if (!mode.equals(SigV4.UNSIGNED_PAYLOAD)) {
            if (!mode.matches("[0-9a-fA-F]{64}")) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "x-amz-content-sha256 '" + mode
                        + "' is neither a SHA-256 hex digest nor a known payload mode");
            }
            in = new Sha256Check(raw, mode.toLowerCase());
        }
        return new RequestBody(new LengthCheck(in, declared), declared, Map::of);
    }

    /** The trailing headers x-amz-trailer promises (lower case); each must arrive or the body is refused. */
    private static Set<String> declaredTrailers(S3Request req) {
        Set<String> out = new LinkedHashSet<>();
        String h = req.header("x-amz-trailer");
        if (h == null) return out;
        for (String name : h.split(",")) {
            name = name.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty()) out.add(name);
        }
        return out;
    }

    private static long parseLength(String s) {
        if (s == null) return -1;
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "the length '" + s + "' is not a number");
        }
    }

    /**
     * A body stream that sees every byte read through it and may refuse the body: after each read
     * ({@link #checkRead}), and at its end ({@link #checkEnd}).
     */
    abstract static class CheckedBody extends BlockReadStream {
        private final InputStream in;

        CheckedBody(InputStream in) {
            this.in = in;
        }

        /** Sees {@code n} bytes just read into {@code b[off..]}. */
        abstract void checkRead(byte[] b, int off, int n);

        /** The body ended (called at every read that finds the end). */
        abstract void checkEnd();

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) checkRead(b, off, n);
            if (n < 0) checkEnd();
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Fails at the end of the body when its SHA-256 is not the one the client signed. */
    static final class Sha256Check extends CheckedBody {
        private final MessageDigest digest = SigV4.sha256();
        private final String expected;
        private boolean checked;

        Sha256Check(InputStream in, String expected) {
            super(in);
            this.expected = expected;
        }

        @Override
        void checkRead(byte[] b, int off, int n) {
            digest.update(b, off, n);
        }

        @Override
        void checkEnd() {
            if (checked) return;
            checked = true;
            String actual = SigV4.hex(digest.digest());
            if (!actual.equals(expected)) {
                throw new S3Exception(S3Error.CONTENT_SHA256_MISMATCH, "the body's SHA-256 " + actual
                        + " does not match the x-amz-content-sha256 the request was signed with");
            }
        }
    }

    /** Fails when the body ends before (or runs past) the length the client declared. */
    static final class LengthCheck extends CheckedBody {
        private final long declared;
        private long seen;

        LengthCheck(InputStream in, long declared) {
            super(in);
            this.declared = declared;
        }

        @Override
        void checkRead(byte[] b, int off, int n) {
            seen += n;
            if (declared >= 0 && seen > declared) throw incomplete();
        }

        @Override
        void checkEnd() {
            if (declared >= 0 && seen < declared) throw incomplete();
        }

        private S3Exception incomplete() {
            return new S3Exception(S3Error.INCOMPLETE_BODY, "the request body has " + seen
                    + " bytes but its declared length is " + declared);
        }
    }
}
