package dev.cistern.engine.crypto;

import dev.cistern.engine.EngineException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Wraps a group's data key under a key derived from the admin's passphrase (PBKDF2-HMAC-SHA256).
 * Changing the passphrase re-wraps the same data key, so no stored chunk is rewritten.
 *
 * <p>Blob layout (version 1): u8 version | u32 iterations | 16 salt | 12 nonce | 48 AES-GCM(data key).
 */
public final class KeyWrap {
    private static final int VERSION = 1;
    /** PBKDF2-HMAC-SHA256 rounds for new wraps (OWASP 2023); a blob keeps the count it was made with. */
    private static final int ITERATIONS = 600_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyWrap() {
    }

    public static byte[] wrap(byte[] dataKey, char[] passphrase) {
        checkPassphrase(passphrase);
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, derive(passphrase, salt, ITERATIONS), new GCMParameterSpec(128, nonce));
            byte[] sealed = c.doFinal(dataKey);
            return ByteBuffer.allocate(1 + 4 + 16 + 12 + sealed.length)
                    .put((byte) VERSION).putInt(ITERATIONS).put(salt).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key wrap failed", e);
        }
    }

    /** Returns the data key; ACCESS_DENIED for a wrong passphrase. */
    public static byte[] unwrap(byte[] blob, char[] passphrase, String groupName) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        // 16 bytes of tag at least after version, iterations, salt and nonce
        if (blob.length < 1 + 4 + 16 + 12 + 16 || b.get() != VERSION) {
            throw new EngineException(EngineException.Reason.DAMAGED, "the wrapped key of group " + groupName + " is damaged");
        }
        int iterations = b.getInt();
        if (iterations < 100_000 || iterations > 10_000_000) {
            // a damaged (or planted) count would make unlocking fail oddly, or take hours
            throw new EngineException(EngineException.Reason.DAMAGED, "the wrapped key of group " + groupName
                    + " has an implausible iteration count " + iterations);
        }
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        b.get(salt).get(nonce);
        byte[] sealed = new byte[b.remaining()];
        b.get(sealed);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, derive(passphrase, salt, iterations), new GCMParameterSpec(128, nonce));
            return c.doFinal(sealed);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new EngineException(EngineException.Reason.ACCESS_DENIED,
                    "wrong passphrase for encrypted storage group '" + groupName + "'");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("key unwrap failed", e);
        }
    }

    private static void checkPassphrase(char[] passphrase) {
        if (passphrase == null || passphrase.length < 8) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "encryption passphrase must be at least 8 characters");
        }
    }

    private static SecretKeySpec derive(char[] passphrase, byte[] salt, int iterations) throws GeneralSecurityException {
        SecretKeyFactory f = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        byte[] k = f.generateSecret(new PBEKeySpec(passphrase, salt, iterations, 256)).getEncoded();
        return new SecretKeySpec(k, "AES");
    }
}
