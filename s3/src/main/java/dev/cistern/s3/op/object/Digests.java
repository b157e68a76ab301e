package dev.cistern.s3.op.object;

import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

/**
 * The digests computed over an object body while it streams: always MD5 (the ETag), plus each
 * x-amz-checksum algorithm the client asked for. Values are in S3's wire form (base64 of the
 * big-endian checksum) so they compare directly with the headers and trailers.
 */
public final class Digests {
    private final MessageDigest md5;
    private final Map<String, Object> checksums = new LinkedHashMap<>();

    public Digests(Iterable<String> algorithms) {
        md5 = digest("MD5");
        for (String a : algorithms) {
            switch (a) {
                case "crc32" -> checksums.put(a, new CRC32());
                case "crc32c" -> checksums.put(a, new CRC32C());
                case "crc64nvme" -> checksums.put(a, new Crc64Nvme());
                case "sha1" -> checksums.put(a, digest("SHA-1"));
                case "sha256" -> checksums.put(a, digest("SHA-256"));
                default -> throw new S3Exception(S3Error.INVALID_REQUEST, "unknown checksum algorithm '" + a + "'");
            }
        }
    }

    /** The algorithms named by x-amz-checksum-* headers, x-amz-sdk-checksum-algorithm and x-amz-trailer. */
    public static java.util.Set<String> requested(io.netty.handler.codec.http.HttpHeaders h) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        for (Map.Entry<String, String> e : h) {
            String n = e.getKey().toLowerCase(Locale.ROOT);
            if (n.startsWith("x-amz-checksum-") && !n.equals("x-amz-checksum-mode") && !n.equals("x-amz-checksum-type")
                    && !n.equals("x-amz-checksum-algorithm")) {
                out.add(n.substring("x-amz-checksum-".length()));
            }
        }
        String sdk = h.get("x-amz-sdk-checksum-algorithm");
        if (sdk != null) out.add(sdk.toLowerCase(Locale.ROOT));
        String trailer = h.get("x-amz-trailer");
        if (trailer != null) {
            for (String t : trailer.split(",")) {
                t = t.trim().toLowerCase(Locale.ROOT);
                if (t.startsWith("x-amz-checksum-")) out.add(t.substring("x-amz-checksum-".length()));
            }
        }
        return out;
    }

    public void update(byte[] b, int off, int len) {
        md5.update(b, off, len);
        for (Object c : checksums.values()) {
            if (c instanceof Checksum ck) ck.update(b, off, len); else ((MessageDigest) c).update(b, off, len);
        }
    }

    public byte[] md5() {
        return md5.digest();
    }

    /** Finishes the checksums: algorithm → base64 value. Call once. */
    public Map<String, String> checksums() {
        Map<String, String> out = new LinkedHashMap<>();
        checksums.forEach((a, c) -> {
            byte[] v;
            if (c instanceof CRC32 || c instanceof CRC32C) {
                v = ByteBuffer.allocate(4).putInt((int) ((Checksum) c).getValue()).array();
            } else if (c instanceof Crc64Nvme ck) {
                v = ByteBuffer.allocate(8).putLong(ck.getValue()).array();
            } else {
                v = ((MessageDigest) c).digest();
            }
            out.put(a, Base64.getEncoder().encodeToString(v));
        });
        return out;
    }

    public static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " unavailable", e);
        }
    }
}
