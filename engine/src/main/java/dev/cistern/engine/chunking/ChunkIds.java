package dev.cistern.engine.chunking;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a storage group turns a chunk into its id. {@link #PLAIN}: the chunk's SHA-256 ({@link Fingerprint}),
 * which anyone holding a copy of the chunk can compute. Keyed (encrypted groups created since keyed ids):
 * HMAC-SHA256 under the group's secret id key of the chunk's SHA-256, so whoever has the disks but not the
 * key cannot confirm that a file they know is stored by hashing its chunks.
 *
 * <p>Why HMAC of the SHA-256 rather than of the chunk: the bulk hashing stays on the fast path (two chunks
 * at a time on the SHA extensions, {@link NativeSha256}) and the key costs one HMAC of 32 bytes per chunk
 * (four SHA-256 blocks, against 128 for an 8 KiB chunk). It is as sound here: HMAC is a PRF, so without the
 * key an id says nothing about the digest under it; two chunks share an id only if their SHA-256 or the
 * HMAC collide, as unlikely as a plain SHA-256 collision. The digest itself never leaves memory.
 */
public final class ChunkIds {
    /** Ids are plain SHA-256: unencrypted groups, and encrypted ones created before keyed ids. */
    public static final ChunkIds PLAIN = new ChunkIds(null, null);
    private static final String HMAC = "HmacSHA256";

    /** Initialised with the id key; cloned per call, since a Mac is not thread-safe and workers hash in parallel. */
    private final Mac prototype;
    private final SecretKeySpec key;

    private ChunkIds(Mac prototype, SecretKeySpec key) {
        this.prototype = prototype;
        this.key = key;
    }

    /** Keyed ids under {@code idKey} (32 random bytes kept wrapped with the group's data key). */
    public static ChunkIds keyed(byte[] idKey) {
        if (idKey.length != 32) throw new IllegalArgumentException("id key must be 256 bits");
        SecretKeySpec key = new SecretKeySpec(idKey, HMAC);
        return new ChunkIds(newMac(key), key);
    }

    public boolean isKeyed() {
        return prototype != null;
    }

    /** Ids of chunks {@code from..to-1}, as {@link Fingerprint#ofAll} lays them out; same fast path for plain ids. */
    public void ofAll(byte[] buf, int[] off, int[] len, int from, int to, Fingerprint[] fps) {
        Fingerprint.ofAll(buf, off, len, from, to, fps);
        if (prototype == null) return;
        Mac mac = mac();
        for (int i = from; i < to; i++) fps[i] = Fingerprint.wrap(mac.doFinal(fps[i].bytes()));
    }

    /** The id of one chunk, hashed with {@code md} (a digest from {@link Fingerprint#digest()}). */
    public Fingerprint of(MessageDigest md, byte[] data, int off, int len) {
        Fingerprint sha = Fingerprint.of(md, data, off, len);
        return prototype == null ? sha : Fingerprint.wrap(mac().doFinal(sha.bytes()));
    }

    private Mac mac() {
        try {
            return (Mac) prototype.clone(); // cheaper than a provider lookup and a key schedule
        } catch (CloneNotSupportedException e) {
            return newMac(key);
        }
    }

    private static Mac newMac(SecretKeySpec key) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 missing from the JDK", e);
        }
    }
}
