package dev.cistern.bench.jmh;

import dev.cistern.engine.Compression;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.crypto.DataKey;
import dev.cistern.engine.store.ChunkRecord;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encoding one 8 KiB chunk record (compress, optionally encrypt, checksum) and decoding it back, and the
 * same for a 256 KiB frame of 32 such chunks (how streams store new chunks): bytes/s = size x score.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CompressionBench {
    @Param({"NONE", "FAST", "BEST"})
    public Compression compression;

    @Param({"false", "true"})
    public boolean encrypted;

    private byte[] chunk;
    private Fingerprint fp;
    private DataKey key;
    private byte[] record;
    private byte[] frameData;
    private int[] frameOff;
    private int[] frameLen;
    private Fingerprint[] frameFps;
    private int[] frameWhich;
    private byte[] frameRecord;
    private byte[] frameRaw;

    @Setup
    public void setup() {
        chunk = new byte[8192];
        Random r = new Random(3);
        String[] words = {"backup ", "chunk ", "storage ", "dedup ", "index "};
        for (int i = 0; i < chunk.length; ) {
            byte[] w = words[r.nextInt(words.length)].getBytes();
            for (int j = 0; j < w.length && i < chunk.length; j++) chunk[i++] = w[j];
        }
        fp = Fingerprint.of(chunk, 0, chunk.length);
        key = encrypted ? new DataKey(DataKey.generate()) : null;
        record = ChunkRecord.encode(chunk, 0, chunk.length, fp, compression, key);
        // a frame of 32 different 8 KiB chunks of the same kind of text
        int n = 32;
        frameData = new byte[n * chunk.length];
        frameOff = new int[n];
        frameLen = new int[n];
        frameFps = new Fingerprint[n];
        frameWhich = new int[n];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < chunk.length; ) {
                byte[] w = words[r.nextInt(words.length)].getBytes();
                for (int j = 0; j < w.length && i < chunk.length; j++) frameData[k * chunk.length + i++] = w[j];
            }
            frameOff[k] = k * chunk.length;
            frameLen[k] = chunk.length;
            frameFps[k] = Fingerprint.of(frameData, frameOff[k], chunk.length);
            frameWhich[k] = k;
        }
        frameRecord = ChunkRecord.encodeFrame(frameData, frameOff, frameLen, frameFps, frameWhich, 0, n, compression, key);
        frameRaw = new byte[frameData.length];
    }

    @Benchmark
    public byte[] encodeFrame256KiB() {
        return ChunkRecord.encodeFrame(frameData, frameOff, frameLen, frameFps, frameWhich, 0, frameWhich.length, compression, key);
    }

    @Benchmark
    public byte[] decodeFrame256KiB() {
        ChunkRecord.checkRecord(frameRecord, 0, () -> "bench");
        ChunkRecord.decodeRaw(frameRecord, 0, key != null, key, () -> "bench", frameRaw, 0);
        return frameRaw;
    }

    @Benchmark
    public byte[] encode() {
        return ChunkRecord.encode(chunk, 0, chunk.length, fp, compression, key);
    }

    @Benchmark
    public byte[] decode() {
        return ChunkRecord.decode(record, 0, fp, key != null, key, "bench");
    }
}
