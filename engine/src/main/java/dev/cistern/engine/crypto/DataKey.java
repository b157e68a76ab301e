package dev.cistern.engine.crypto;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A storage group's 256-bit data key: AES-256-GCM per chunk, a random 96-bit nonce per record, the
 * chunk's fingerprint (a frame's table) as associated data so a record cannot be swapped for another one
 * undetected, and in groups with keyed ids the record's header too ({@link #headerBound}).
 * Records carry no location in their AAD, so the cleaner can copy them between containers verbatim.
 */
public final class DataKey {
    public static final int NONCE = 12;
    public static final int TAG = 16;
    public static final int OVERHEAD = NONCE + TAG;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey key;
    private final boolean headerBound;

    public DataKey(byte[] raw) {
        this(raw, false);
    }

    /**
     * @param headerBound whether a record's header is part of its associated data too: groups with keyed
     *                    ids (all created since), whose records were never written without it
     */
    public DataKey(byte[] raw, boolean headerBound) {
        if (raw.length != 32) throw new IllegalArgumentException("data key must be 256 bits");
        this.key = new SecretKeySpec(raw, "AES");
        this.headerBound = headerBound;
    }

    /**
     * Whether records under this key authenticate their header (codec, lengths, chunk count, fingerprint)
     * with the tag: its checksum alone anyone can recompute after changing a field.
     */
    public boolean headerBound() {
        return headerBound;
    }

    public static byte[] generate() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    /** Encrypts {@code in[off..off+len)} into {@code out} at {@code outOff} as nonce|ciphertext|tag; returns bytes written. */
    public int encrypt(byte[] in, int off, int len, byte[] aad, byte[] out, int outOff) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG * 8, nonce));
            c.updateAAD(aad);
            System.arraycopy(nonce, 0, out, outOff, NONCE);
            return NONCE + c.doFinal(in, off, len, out, outOff + NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /** Decrypts nonce|ciphertext|tag; returns the plaintext length; throws on a bad tag. */
    public int decrypt(byte[] in, int off, int len, byte[] aad, byte[] out, int outOff) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG * 8, in, off, NONCE));
        c.updateAAD(aad);
        return c.doFinal(in, off + NONCE, len - NONCE, out, outOff);
    }
}
