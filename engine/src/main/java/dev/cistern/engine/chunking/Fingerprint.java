package dev.cistern.engine.chunking;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A chunk's id, the chunk's key everywhere (index, recipes, block maps, container records): the SHA-256 of
 * its plaintext as computed here, or in a group with keyed ids a keyed id of that ({@link ChunkIds}).
 */
public final class Fingerprint implements Comparable<Fingerprint> {
    public static final int LENGTH = 32;
    private static final MessageDigest PROTOTYPE = newDigest();
    private static final boolean NATIVE = NativeSha256.AVAILABLE;
    /** Chunks per native call: 32 chunks of the default average size are 256 KiB, hashed in about 0.1 ms. */
    private static final int NATIVE_CHUNKS = 32;
    /** Bytes per native call, whatever the chunk sizes: about 0.5 ms; a longer chunk is hashed by the JDK. */
    private static final int NATIVE_BYTES = 1 << 20;

    private final byte[] bytes;
    private final int hash;

    private Fingerprint(byte[] bytes) {
        this.bytes = bytes;
        // SHA-256 output is uniform: any 4 bytes make a good hash code.
        this.hash = (bytes[0] & 0xff) << 24 | (bytes[1] & 0xff) << 16 | (bytes[2] & 0xff) << 8 | (bytes[3] & 0xff);
    }

    public static Fingerprint wrap(byte[] bytes) {
        if (bytes.length != LENGTH) throw new IllegalArgumentException("fingerprint must be 32 bytes");
        return new Fingerprint(bytes);
    }

    public static Fingerprint read(byte[] buf, int off) {
        return new Fingerprint(Arrays.copyOfRange(buf, off, off + LENGTH));
    }

    public static Fingerprint of(byte[] data, int off, int len) {
        MessageDigest md = digest();
        md.update(data, off, len);
        return new Fingerprint(md.digest());
    }

    /** A fresh SHA-256 digest (cloned from a prototype: cheaper than a provider lookup). */
    public static MessageDigest digest() {
        try {
            return (MessageDigest) PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return newDigest();
        }
    }

    public static Fingerprint of(MessageDigest md, byte[] data, int off, int len) {
        md.update(data, off, len);
        return new Fingerprint(md.digest());
    }

    /**
     * Fingerprints chunks {@code from..to-1} of {@code buf}, chunk {@code i} being {@code len[i]} bytes at
     * {@code off[i]}, into {@code fps[i]}: two at a time on the CPU's SHA extensions where the engine's
     * native library can (see {@link NativeSha256}), one at a time by the JDK otherwise. Same digests.
     */
    public static void ofAll(byte[] buf, int[] off, int[] len, int from, int to, Fingerprint[] fps) {
        Objects.checkFromToIndex(from, to, Math.min(off.length, len.length));
        MessageDigest md = null;
        byte[] out = NATIVE ? new byte[LENGTH * NATIVE_CHUNKS] : null;
        int i = from;
        while (i < to) {
            // a native call holds off the GC while it runs: at most NATIVE_CHUNKS chunks or NATIVE_BYTES each
            int end = i;
            long bytes = 0;
            while (NATIVE && end < to && end - i < NATIVE_CHUNKS && len[end] >= 0 && bytes + len[end] <= NATIVE_BYTES) {
                bytes += len[end++];
            }
            if (end - i > 1) {
                NativeSha256.digest(buf, off, len, i, end, out);
                for (int k = i; k < end; k++) fps[k] = read(out, LENGTH * (k - i));
                i = end;
            } else {
                if (md == null) md = digest();
                fps[i] = of(md, buf, off[i], len[i]);
                i++;
            }
        }
    }

    /** Whether {@link #ofAll} hashes on the engine's native library (figures and logs say which). */
    public static boolean nativeHashing() {
        return NATIVE;
    }

    public byte[] bytes() {
        return bytes;
    }

    public void writeTo(byte[] buf, int off) {
        System.arraycopy(bytes, 0, buf, off, LENGTH);
    }

    /** First 8 bytes as a long: a compact, uniformly distributed key for approximate sets. */
    public long prefix() {
        long v = 0;
        for (int i = 0; i < 8; i++) v = v << 8 | (bytes[i] & 0xff);
        return v;
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && f.hash == hash && Arrays.equals(f.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(Fingerprint o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex().substring(0, 16);
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
