package dev.cistern.engine.chunking;

import dev.cistern.engine.ChunkingSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * FastCDC content-defined chunking (Xia et al., USENIX ATC '16): a gear rolling hash, cut-point
 * skipping below the minimum size, and normalized chunking with a harder mask before the average size
 * and an easier one after it, which narrows the chunk size distribution around the average.
 *
 * <p>The gear hash shifts left, so bit k depends only on the last k+1 bytes; the masks therefore test
 * the top bits, which depend on the last 64 bytes. The gear table comes from a fixed seed: changing
 * it changes every boundary and so every fingerprint, which would defeat dedup against old data.
 * Groups with keyed chunk ids take a table derived from their secret chunker key instead
 * ({@link #keyedGear}): with a public table, anyone could cut a known file into the same chunks and
 * recognise it by its chunk lengths, which the containers keep in clear.
 */
public final class FastCdc {
    private static final long[] GEAR = gearTable();
    private static final int GEAR_ENTRIES = 256;
    /** Normalization level 2: two bits harder before the average, two bits easier after it. */
    private static final int NORMALIZATION = 2;

    private final int min;
    private final int avg;
    private final int max;
    private final long maskHard;
    private final long maskEasy;
    private final long[] gear;

    /** A chunker with the fixed public gear table: groups with plain SHA-256 ids. */
    public FastCdc(ChunkingSpec spec) {
        this(spec, GEAR);
    }

    /** A chunker with gear table {@code gear} (256 entries, e.g. from {@link #keyedGear}). */
    public FastCdc(ChunkingSpec spec, long[] gear) {
        if (gear.length != GEAR_ENTRIES) throw new IllegalArgumentException("a gear table has 256 entries");
        this.gear = gear == GEAR ? GEAR : gear.clone(); // the public table by identity: see next()
        this.min = spec.minSize();
        this.avg = spec.avgSize();
        this.max = spec.maxSize();
        int bits = Integer.numberOfTrailingZeros(avg);
        this.maskHard = topBits(bits + NORMALIZATION);
        this.maskEasy = topBits(bits - NORMALIZATION);
    }

    public int maxSize() {
        return max;
    }

    /**
     * Length of the next chunk at {@code buf[off..off+len)}. When {@code len} is below the maximum and
     * no cut point is found, returns {@code len} only if {@code last} (end of stream); otherwise returns
     * -1 to ask for more data.
     */
    public int next(byte[] buf, int off, int len, boolean last) {
        if (len <= min) {
            return last ? len : -1;
        }
        // the public table passed as the constant it is: inlined, the JIT knows its length and drops the
        // bounds check per byte (a keyed table costs about 10% more time here: 3.4 against 3.8 GB/s)
        return gear == GEAR ? scan(GEAR, buf, off, len, last) : scan(gear, buf, off, len, last);
    }

    private int scan(long[] gear, byte[] buf, int off, int len, boolean last) {
        int limit = Math.min(len, max);
        int normal = Math.min(avg, limit);
        long fp = 0;
        int i = min;
        // "& (gear.length - 1)", the same as "& 0xff" for the 256 entries, lets the JIT drop the bounds
        // check of a table it does not know
        for (; i < normal; i++) {
            fp = (fp << 1) + gear[buf[off + i] & (gear.length - 1)];
            if ((fp & maskHard) == 0) {
                return i + 1;
            }
        }
        for (; i < limit; i++) {
            fp = (fp << 1) + gear[buf[off + i] & (gear.length - 1)];
            if ((fp & maskEasy) == 0) {
                return i + 1;
            }
        }
        if (limit == max || last) {
            return limit;
        }
        return -1;
    }

    /**
     * Whether {@link #next} would end a chunk starting at {@code off} after exactly {@code len} bytes,
     * given that it finds no earlier cut point there (true of any chunk this chunker cut). The gear hash
     * forgets a byte after 64 shifts, so only the last 64 bytes need hashing: a cheap test that a
     * predicted boundary is a real one.
     */
    public boolean cutsAt(byte[] buf, int off, int len) {
        if (len == max) return true;
        if (len <= min || len > max) return false;
        int i = Math.max(min, len - 64);
        long fp = 0;
        long[] gear = this.gear;
        for (; i < len; i++) fp = (fp << 1) + gear[buf[off + i] & (gear.length - 1)];
        return (fp & (len <= avg ? maskHard : maskEasy)) == 0;
    }

    private static long topBits(int n) {
        return n <= 0 ? 0 : -1L << (64 - n);
    }

    /**
     * The gear table of a group with keyed chunk ids, derived from its 256-bit chunker key: HMAC-SHA256 in
     * counter mode (as NIST SP 800-108's KDF), block k = HMAC(key, "cistern gear table" | u32 k), giving
     * four entries each. A PRF keeps every entry unpredictable without the key, which a 64-bit seed for
     * SplitMix64 would not (2^64 guesses, each checkable against stored chunk lengths).
     */
    public static long[] keyedGear(byte[] chunkerKey) {
        if (chunkerKey.length != 32) throw new IllegalArgumentException("chunker key must be 256 bits");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(chunkerKey, "HmacSHA256"));
            byte[] label = "cistern gear table".getBytes(StandardCharsets.US_ASCII);
            ByteBuffer out = ByteBuffer.allocate(GEAR_ENTRIES * Long.BYTES);
            for (int k = 0; out.hasRemaining(); k++) {
                mac.update(label);
                mac.update(ByteBuffer.allocate(4).putInt(k).array());
                out.put(mac.doFinal());
            }
            long[] t = new long[GEAR_ENTRIES];
            out.flip().asLongBuffer().get(t);
            return t;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 missing from the JDK", e);
        }
    }

    /** The gear table, for tests that pin it (package-private: never to be changed). */
    static long[] gearTable() {
        // SplitMix64 from a fixed seed: deterministic forever, well mixed.
        long[] t = new long[256];
        long s = 0x6369737465726e21L; // "cistern!"
        for (int i = 0; i < 256; i++) {
            s += 0x9E3779B97F4A7C15L;
            long z = s;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            t[i] = z ^ (z >>> 31);
        }
        return t;
    }
}
