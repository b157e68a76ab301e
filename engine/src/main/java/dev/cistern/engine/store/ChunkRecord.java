package dev.cistern.engine.store;

import com.github.luben.zstd.Zstd;
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
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/** Encodes and decodes one chunk record (layout in {@code package-info}). */
public final class ChunkRecord {
    public static final int HEADER = 48;
    static final int CODEC_RAW = 0;
    static final int CODEC_LZ4 = 1;
    static final int CODEC_ZSTD = 2;
    static final int ENCRYPTED = 0x80;
    private static final int ZSTD_LEVEL = 6;
    private static final LZ4Compressor LZ4 = LZ4Factory.fastestInstance().fastCompressor();
    /** The safe decompressor: bounds-checked, so a damaged or hostile record cannot read outside its buffer. */
    private static final LZ4SafeDecompressor LZ4_DEC = LZ4Factory.fastestInstance().safeDecompressor();

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private ChunkRecord() {
    }

    /** Builds a whole record (header and payload) for the raw chunk {@code data[off..off+len)}. */
    public static byte[] encode(byte[] data, int off, int len, Fingerprint fp, Compression compression, DataKey key) {
        byte[] body = new byte[maxCompressed(len, compression)];
        int codec = CODEC_RAW;
        int bodyLen = 0;
        if (compression == Compression.FAST) {
            bodyLen = LZ4.compress(data, off, len, body, 0, body.length);
            codec = CODEC_LZ4;
        } else if (compression == Compression.BEST) {
            bodyLen = (int) Zstd.compressByteArray(body, 0, body.length, data, off, len, ZSTD_LEVEL);
            codec = CODEC_ZSTD;
        }
        // Store raw when compression saves less than 1/32: decoding it would cost more than it saves.
        if (codec != CODEC_RAW && bodyLen > len - (len >> 5)) {
            codec = CODEC_RAW;
        }
        byte[] src = codec == CODEC_RAW ? data : body;
        int srcOff = codec == CODEC_RAW ? off : 0;
        int srcLen = codec == CODEC_RAW ? len : bodyLen;
        int payloadLen = key == null ? srcLen : srcLen + DataKey.OVERHEAD;
        byte[] rec = new byte[HEADER + payloadLen];
        if (key == null) {
            System.arraycopy(src, srcOff, rec, HEADER, srcLen);
        } else {
            key.encrypt(src, srcOff, srcLen, fp.bytes(), rec, HEADER);
            codec |= ENCRYPTED;
        }
        ByteBuffer h = ByteBuffer.wrap(rec);
        h.putInt(0).put((byte) codec).put((byte) 0).putShort((short) 0).putInt(len).putInt(payloadLen);
        fp.writeTo(rec, 16);
        h.putInt(0, crc(rec, 4, rec.length - 4));
        return rec;
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
     * Decodes the record at {@code rec[off..]} into the raw chunk, checking checksum and expected
     * fingerprint. {@code what} names the chunk for error messages. DAMAGED on any mismatch.
     */
    public static byte[] decode(byte[] rec, int off, Fingerprint expected, DataKey key, String what) {
        byte[] raw = new byte[Math.max(0, rawLength(rec, off))];
        decodeInto(rec, off, expected, key, () -> what, raw, 0);
        return raw;
    }

    /**
     * Decodes the record at {@code rec[off..]} straight into {@code dst[dstOff..]}, which must have room
     * for its raw length (returned). Checks as {@link #decode} does; {@code what} is only called to name
     * the chunk in an error.
     */
    public static int decodeInto(byte[] rec, int off, Fingerprint expected, DataKey key, Supplier<String> what,
                                 byte[] dst, int dstOff) {
        int payloadLen = payloadLength(rec, off);
        int rawLen = rawLength(rec, off);
        if (payloadLen < 0 || rawLen < 0 || off + HEADER + payloadLen > rec.length || dstOff + rawLen > dst.length
                || !checksumOk(rec, off, HEADER + payloadLen)) {
            throw damaged(what.get(), "failed its checksum");
        }
        if (expected != null && !Arrays.equals(expected.bytes(), 0, Fingerprint.LENGTH, rec, off + 16, off + 16 + Fingerprint.LENGTH)) {
            throw damaged(what.get(), "holds a different chunk than the index says");
        }
        int codec = rec[off + 4] & 0xff;
        byte[] src = rec;
        int srcOff = off + HEADER;
        int srcLen = payloadLen;
        if ((codec & ENCRYPTED) != 0) {
            if (key == null) {
                throw new EngineException(EngineException.Reason.LOCKED, what.get() + " is encrypted and the group is locked");
            }
            byte[] plain = new byte[payloadLen];
            try {
                srcLen = key.decrypt(rec, off + HEADER, payloadLen, fingerprint(rec, off).bytes(), plain, 0);
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
                    long n = Zstd.decompressByteArray(dst, dstOff, rawLen, src, srcOff, srcLen);
                    if (n != rawLen) throw damaged(what.get(), "did not decompress to its length");
                }
                default -> throw damaged(what.get(), "has unknown codec " + codec);
            }
        } catch (EngineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw damaged(what.get(), "did not decompress: " + e.getMessage());
        }
        return rawLen;
    }

    public static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    static EngineException damaged(String what, String how) {
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
