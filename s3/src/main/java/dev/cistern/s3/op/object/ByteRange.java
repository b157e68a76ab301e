package dev.cistern.s3.op.object;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;

/**
 * A single HTTP byte range resolved against an object's size. Forms: bytes=a-b, bytes=a-, bytes=-n.
 * A header that is not a single byte range is ignored (the whole object is sent), as S3 does;
 * a range starting beyond the end, or a suffix of an empty object, is InvalidRange (416).
 */
record ByteRange(long start, long length) {

    /** Null when the whole object is to be sent. */
    static ByteRange parse(String header, long size, String resource) {
        if (header == null) return null;
        String h = header.trim();
        if (!h.startsWith("bytes=") || h.contains(",")) return null;
        String spec = h.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        String a = spec.substring(0, dash).trim();
        String b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) {
                if (b.isEmpty()) return null;
                long n = Long.parseLong(b);
                if (n == 0 || size == 0) throw invalid(size, resource); // no last bytes to send
                n = Math.min(n, size);
                return new ByteRange(size - n, n);
            }
            long start = Long.parseLong(a);
            long end = b.isEmpty() ? size - 1 : Long.parseLong(b);
            if (start >= size) throw invalid(size, resource);
            if (end < start) return null;
            end = Math.min(end, size - 1);
            return new ByteRange(start, end - start + 1);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    String contentRange(long size) {
        return "bytes " + start + "-" + (start + length - 1) + "/" + size;
    }

    private static S3Exception invalid(long size, String resource) {
        return new S3Exception(S3Error.INVALID_RANGE, "the requested range is not satisfiable for an object of "
                + size + " bytes", resource).header("Content-Range", "bytes */" + size);
    }
}
