package dev.cistern.engine.store;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.cistern.engine.Compression;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.crypto.DataKey;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Encodes and decodes chunk records (layout in {@code package-info}): one chunk alone, or a frame of
 * several chunks of one stream compressed together, which compresses much better than 8 KiB pieces.
 */
public final class ChunkRecord {
    public static final int HEADER = 48;
    /** Frame table entry: fingerprint and raw length of one chunk. */
    public static final int TABLE_ENTRY = Fingerprint.LENGTH + 4;
    static final int FLAG_FRAME = 0x01;
    static final int CODEC_RAW = 0;
    static final int CODEC_LZ4 = 1;
    static final int CODEC_ZSTD = 2;
    static final int ENCRYPTED = 0x80;
    /** Zstd's own default: on 512 KiB frames it stores less than level 6 on 128 KiB ones, three times faster. */
    private static final int ZSTD_LEVEL = 3;
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();
    /** The safe decompressor: bounds-checked, so a damaged or hostile record cannot read outside its buffer. */
    private static final LZ4SafeDecompressor LZ4_DEC = LZ4Factory.fastestInstance().safeDecompressor();

    /**
     * Zstd contexts to reuse: a fresh one per call allocates and clears its tables (about a MiB at
     * level 3 for 512 KiB frames), which costs more than compressing. At most one per thread that ever
     * compressed at once; they live as long as the engine's classes.
     */
    private static final Queue<ZstdCompressCtx> ZSTD_COMPRESSORS = new ConcurrentLinkedQueue<>();
    private static final Queue<ZstdDecompressCtx> ZSTD_DECOMPRESSORS = new ConcurrentLinkedQueue<>();
    /** Compression output buffers to reuse (1 MiB, enough for the largest frame). */
    private static final Queue<byte[]> SCRATCH = new ConcurrentLinkedQueue<>();
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private ChunkRecord() {
    }

    /** Builds a whole record (header and payload) for the raw chunk {@code data[off..off+len)}. */
    public static byte[] encode(byte[] data, int off, int len, Fingerprint fp, Compression compression, DataKey key) {
        return build(data, off, len, fp, null, 1, compression, key);
    }

    /**
     * Builds a frame record of chunks {@code data[off[i]..off[i]+len[i])} for the {@code count} indices
     * {@code which[from..from+count)}, in that order: a table of their fingerprints and lengths (in clear,
     * so recovery can list them, and authenticated as the associated data when encrypted), then their
     * bytes, concatenated and compressed (or encrypted) as one.
     */
    public static byte[] encodeFrame(byte[] data, int[] off, int[] len, Fingerprint[] fps, int[] which, int from,
                                     int count, Compression compression, DataKey key) {
        int raw = 0;
        boolean adjacent = true; // new chunks usually follow each other in the buffer: no need to gather them
        byte[] table = new byte[count * TABLE_ENTRY];
        for (int k = from; k < from + count; k++) {
            int i = which[k];
            if (k > from && off[i] != off[which[k - 1]] + len[which[k - 1]]) adjacent = false;
            raw += len[i];
            fps[i].writeTo(table, (k - from) * TABLE_ENTRY);
            INT.set(table, (k - from) * TABLE_ENTRY + Fingerprint.LENGTH, len[i]);
        }
        if (adjacent) return build(data, off[which[from]], raw, fps[which[from]], table, count, compression, key);
        byte[] plain = new byte[raw];
        int p = 0;
        for (int k = from; k < from + count; k++) {
            System.arraycopy(data, off[which[k]], plain, p, len[which[k]]);
            p += len[which[k]];
        }
        return build(plain, 0, raw, fps[which[from]], table, count, compression, key);
    }

    /**
     * The record: header, frame table (if {@code table} is not null), then the body: compressed, or raw
     * when compression saves less than 1/32 (decoding it would cost more than it saves), encrypted with
     * the associated data {@code table}, or the fingerprint for a chunk alone.
     */
    private static byte[] build(byte[] data, int off, int len, Fingerprint fp, byte[] table, int count,
                                Compression compression, DataKey key) {
        byte[] body = borrowScratch(maxCompressed(len, compression));
        try {
            return build(data, off, len, fp, table, count, compression, key, body);
        } finally {
            SCRATCH.offer(body);
        }
    }

    /** A buffer of at least {@code size} bytes for compressed output, reused: records are built at GB/s. */
    private static byte[] borrowScratch(int size) {
        byte[] b = SCRATCH.poll();
        return b != null && b.length >= size ? b : new byte[Math.max(size, 1 << 20)];
    }

    private static byte[] build(byte[] data, int off, int len, Fingerprint fp, byte[] table, int count,
                                Compression compression, DataKey key, byte[] body) {
        int codec = CODEC_RAW;
        int bodyLen = 0;
        if (compression == Compression.FAST) {
            bodyLen = LZ4.compress(data, off, len, body, 0, body.length);
            codec = CODEC_LZ4;
        } else if (compression == Compression.BEST) {
            ZstdCompressCtx z = ZSTD_COMPRESSORS.poll();
            if (z == null) z = new ZstdCompressCtx().setLevel(ZSTD_LEVEL);
            try {
                bodyLen = z.compressByteArray(body, 0, body.length, data, off, len);
            } finally {
                ZSTD_COMPRESSORS.offer(z);
            }
            codec = CODEC_ZSTD;
        }
        if (codec != CODEC_RAW && bodyLen > len - (len >> 5)) {
            codec = CODEC_RAW;
        }
        byte[] src = codec == CODEC_RAW ? data : body;
        int srcOff = codec == CODEC_RAW ? off : 0;
        int srcLen = codec == CODEC_RAW ? len : bodyLen;
        int tableLen = table == null ? 0 : table.length;
        int payloadLen = tableLen + (key == null ? srcLen : srcLen + DataKey.OVERHEAD);
        byte[] rec = new byte[HEADER + payloadLen];
        if (table != null) System.arraycopy(table, 0, rec, HEADER, tableLen);
        if (key != null) codec |= ENCRYPTED;
        ByteBuffer h = ByteBuffer.wrap(rec);
        h.putInt(0).put((byte) codec).put((byte) (table == null ? 0 : FLAG_FRAME)).putShort((short) (table == null ? 0 : count))
                .putInt(len).putInt(payloadLen);
        fp.writeTo(rec, 16);
        if (key == null) {
            System.arraycopy(src, srcOff, rec, HEADER + tableLen, srcLen);
        } else {
            key.encrypt(src, srcOff, srcLen, associatedData(rec, 0, table, fp.bytes(), key), rec, HEADER + tableLen);
        }
        h.putInt(0, crc(rec, 4, rec.length - 4));
        return rec;
    }

    /**
     * What the tag of an encrypted record authenticates besides its body: the frame table, or the
     * fingerprint of a chunk alone; under a header-bound key the header's fields (all but the checksum)
     * before that, so that changing the codec, a length or the count is caught as a bad tag.
     */
    private static byte[] associatedData(byte[] rec, int off, byte[] table, byte[] fingerprint, DataKey key) {
        byte[] tail = table != null ? table : fingerprint;
        if (!key.headerBound()) return tail;
        byte[] aad = new byte[HEADER - 4 + (table != null ? table.length : 0)];
        System.arraycopy(rec, off + 4, aad, 0, HEADER - 4);
        if (table != null) System.arraycopy(table, 0, aad, HEADER - 4, table.length);
        return aad;
    }

    public static boolean isFrame(byte[] rec, int off) {
        return (rec[off + 5] & FLAG_FRAME) != 0;
    }

    /** Number of chunks in the record: 1, or a frame's count. */
    public static int chunkCount(byte[] rec, int off) {
        return isFrame(rec, off) ? (int) SHORT.get(rec, off + 6) & 0xffff : 1;
    }

    /** Fingerprint of chunk {@code k} of the record (checksum already checked). */
    public static Fingerprint chunkFingerprint(byte[] rec, int off, int k) {
        return Fingerprint.read(rec, fingerprintAt(rec, off, k));
    }

    /** Raw length of chunk {@code k} of the record. */
    public static int chunkRawLength(byte[] rec, int off, int k) {
        return isFrame(rec, off) ? (int) INT.get(rec, fingerprintAt(rec, off, k) + Fingerprint.LENGTH) : rawLength(rec, off);
    }

    private static int fingerprintAt(byte[] rec, int off, int k) {
        return isFrame(rec, off) ? off + HEADER + k * TABLE_ENTRY : off + 16;
    }

    /**
     * Whether the record at {@code rec[off..]} (checksum already checked) holds chunk {@code expected}
     * (any chunk if null) of {@code rawLength} bytes at {@code rawOffset} of its raw data.
     */
    public static boolean holds(byte[] rec, int off, Fingerprint expected, int rawOffset, int rawLength) {
        int at = 0;
        for (int k = 0, n = chunkCount(rec, off); k < n && at <= rawOffset; k++) {
            int len = chunkRawLength(rec, off, k);
            if (at == rawOffset) {
                int fp = fingerprintAt(rec, off, k);
                return len == rawLength && (expected == null
                        || Arrays.equals(expected.bytes(), 0, Fingerprint.LENGTH, rec, fp, fp + Fingerprint.LENGTH));
            }
            at += len;
        }
        return false;
    }

    /** Checks a record's checksum; false if torn or damaged. {@code rec} holds at least the full record. */
    public static boolean checksumOk(byte[] rec, int off, int recordLength) {
        return (int) INT.get(rec, off) == crc(rec, off + 4, recordLength - 4);
    }

    public static int rawLength(byte[] rec, int off) {
        return (int) INT.get(rec, off + 8);
    }

    public static int payloadLength(byte[] rec, int off) {
        return (int) INT.get(rec, off + 12);
    }

    public static Fingerprint fingerprint(byte[] rec, int off) {
        return Fingerprint.read(rec, off + 16);
    }

    public static boolean encrypted(byte[] rec, int off) {
        return (rec[off + 4] & ENCRYPTED) != 0;
    }

    /**
     * DAMAGED unless the record is encrypted exactly when its group is: the bit is covered only by the
     * record's CRC, which anyone can recompute, so a record planted without it would be served as the chunk.
     */
    public static void checkEncryption(byte[] rec, int off, boolean encryptedGroup, Supplier<String> what) {
        if (encrypted(rec, off) != encryptedGroup) {
            throw damaged(what.get(), encryptedGroup ? "is not encrypted, in an encrypted storage group"
                    : "is encrypted, in a storage group without encryption");
        }
    }

    /**
     * Decodes the chunk alone in the record at {@code rec[off..]}, checking checksum and expected
     * fingerprint. {@code what} names the chunk for error messages. DAMAGED on any mismatch.
     * {@code encryptedGroup}: see {@link #decodeRaw}.
     */
    public static byte[] decode(byte[] rec, int off, Fingerprint expected, boolean encryptedGroup, DataKey key, String what) {
        byte[] raw = new byte[Math.max(0, rawLength(rec, off))];
        decodeChunk(rec, off, expected, 0, raw.length, encryptedGroup, key, () -> what, raw, 0);
        return raw;
    }

    /**
     * Decodes chunk {@code expected} ({@code rawLength} bytes at {@code rawOffset} of the record's raw
     * data) from the record at {@code rec[off..]} into {@code dst[dstOff..]}. Checks the checksum and
     * that the record holds that chunk there; DAMAGED otherwise. {@code what} is only called to name the
     * chunk in an error.
     */
    public static void decodeChunk(byte[] rec, int off, Fingerprint expected, int rawOffset, int rawLength,
                                   boolean encryptedGroup, DataKey key, Supplier<String> what, byte[] dst, int dstOff) {
        checkRecord(rec, off, what);
        if (!holds(rec, off, expected, rawOffset, rawLength)) {
            throw damaged(what.get(), "holds a different chunk than the index says");
        }
        if (!isFrame(rec, off)) {
            decodeRaw(rec, off, encryptedGroup, key, what, dst, dstOff);
            return;
        }
        byte[] all = new byte[rawLength(rec, off)];
        decodeRaw(rec, off, encryptedGroup, key, what, all, 0);
        System.arraycopy(all, rawOffset, dst, dstOff, rawLength);
    }

    /** Checks the record's lengths and checksum; DAMAGED if they fail. */
    public static void checkRecord(byte[] rec, int off, Supplier<String> what) {
        int payloadLen = payloadLength(rec, off);
        if (payloadLen < 0 || rawLength(rec, off) < 0 || off + HEADER + payloadLen > rec.length
                || !checksumOk(rec, off, HEADER + payloadLen)) {
            throw damaged(what.get(), "failed its checksum");
        }
        if (!consistent(rec, off)) throw damaged(what.get(), "has a frame table that does not add up");
    }

    /**
     * Whether a record whose checksum holds also makes sense: a frame's table fits in its payload and
     * its chunk lengths add up to its raw length. A checksum only proves the bytes are the ones written.
     */
    public static boolean consistent(byte[] rec, int off) {
        if (!isFrame(rec, off)) return true;
        int n = chunkCount(rec, off);
        if (n == 0 || (long) n * TABLE_ENTRY > payloadLength(rec, off)) return false;
        long sum = 0;
        for (int k = 0; k < n; k++) {
            int len = chunkRawLength(rec, off, k);
            if (len <= 0) return false;
            sum += len;
        }
        return sum == rawLength(rec, off);
    }

    /**
     * Decodes all raw data of the record at {@code rec[off..]} (one chunk, or a frame's chunks back to
     * back) into {@code dst[dstOff..]}, which must have room for {@link #rawLength}. Call
     * {@link #checkRecord} first. In an {@code encryptedGroup} (whose {@code key} is null while it is
     * locked) every record must be encrypted, outside one none: see {@link #checkEncryption}.
     */
    public static void decodeRaw(byte[] rec, int off, boolean encryptedGroup, DataKey key, Supplier<String> what,
                                 byte[] dst, int dstOff) {
        int rawLen = rawLength(rec, off);
        if (dstOff + rawLen > dst.length) throw damaged(what.get(), "is longer than its recipe says");
        int tableLen = isFrame(rec, off) ? chunkCount(rec, off) * TABLE_ENTRY : 0;
        int codec = rec[off + 4] & 0xff;
        byte[] src = rec;
        int srcOff = off + HEADER + tableLen;
        int srcLen = payloadLength(rec, off) - tableLen;
        checkEncryption(rec, off, encryptedGroup, what);
        if ((codec & ENCRYPTED) != 0) {
            if (key == null) {
                throw new EngineException(EngineException.Reason.LOCKED, what.get() + " is encrypted and the group is locked");
            }
            if (srcLen < DataKey.OVERHEAD) throw damaged(what.get(), "is shorter than its nonce and tag");
            byte[] plain = new byte[srcLen];
            byte[] aad = associatedData(rec, off, tableLen > 0 ? Arrays.copyOfRange(rec, off + HEADER, off + HEADER + tableLen) : null,
                    fingerprint(rec, off).bytes(), key);
            try {
                srcLen = key.decrypt(rec, srcOff, srcLen, aad, plain, 0);
            } catch (GeneralSecurityException e) {
                throw damaged(what.get(), "failed its authentication tag");
            }
            src = plain;
            srcOff = 0;
            codec &= ~ENCRYPTED;
        }
        try {
            switch (codec) {
                case CODEC_RAW -> {
                    if (srcLen != rawLen) throw damaged(what.get(), "has a wrong length");
                    System.arraycopy(src, srcOff, dst, dstOff, rawLen);
                }
                case CODEC_LZ4 -> {
                    int n = LZ4_DEC.decompress(src, srcOff, srcLen, dst, dstOff, rawLen);
                    if (n != rawLen) throw damaged(what.get(), "did not decompress to its length");
                }
                case CODEC_ZSTD -> {
                    ZstdDecompressCtx z = ZSTD_DECOMPRESSORS.poll();
                    if (z == null) z = new ZstdDecompressCtx();
                    int n;
                    try {
                        n = z.decompressByteArray(dst, dstOff, rawLen, src, srcOff, srcLen);
                    } finally {
                        ZSTD_DECOMPRESSORS.offer(z);
                    }
                    if (n != rawLen) throw damaged(what.get(), "did not decompress to its length");
                }
                default -> throw damaged(what.get(), "has unknown codec " + codec);
            }
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw damaged(what.get(), "did not decompress: " + e.getMessage());
        }
    }

    public static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    public static EngineException damaged(String what, String how) {
        return new EngineException(EngineException.Reason.DAMAGED, what + " " + how + "; run verify to list affected entries");
    }

    private static int maxCompressed(int len, Compression c) {
        return switch (c) {
            case NONE -> 0;
            case FAST -> LZ4.maxCompressedLength(len);
            case BEST -> (int) Zstd.compressBound(len);
        };
    }
}
