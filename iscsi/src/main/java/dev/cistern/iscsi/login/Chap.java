package dev.cistern.iscsi.login;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * CHAP with MD5 (RFC 1994, as used by iSCSI in RFC 7143 section 12.1.3): response = MD5(id || secret ||
 * challenge). Values travel as hex ("0x...") or base64 ("0b...") strings.
 */
public final class Chap {
    /** CHAP_A value for MD5, the only algorithm every initiator supports. */
    public static final String ALGORITHM_MD5 = "5";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Chap() {
    }

    public static byte[] response(int id, byte[] secret, byte[] challenge) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update((byte) id);
            md5.update(secret);
            md5.update(challenge);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 missing from the JDK", e);
        }
    }

    public static byte[] newChallenge() {
        byte[] c = new byte[16];
        RANDOM.nextBytes(c);
        return c;
    }

    public static int newIdentifier() {
        return RANDOM.nextInt(256);
    }

    public static String encode(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }

    /** Decodes "0x" hex or "0b" base64; throws IllegalArgumentException for anything else. */
    public static byte[] decode(String s) {
        if (s == null || s.length() < 3) throw new IllegalArgumentException("empty CHAP value");
        String body = s.substring(2);
        if (s.startsWith("0x") || s.startsWith("0X")) {
            if (body.length() % 2 == 1) body = "0" + body;
            return HexFormat.of().parseHex(body);
        }
        if (s.startsWith("0b") || s.startsWith("0B")) return java.util.Base64.getDecoder().decode(body);
        throw new IllegalArgumentException("CHAP value must start with 0x or 0b");
    }

    /** Compares in constant time so response checks leak nothing through timing. */
    public static boolean matches(byte[] expected, byte[] actual) {
        return MessageDigest.isEqual(expected, actual);
    }
}
