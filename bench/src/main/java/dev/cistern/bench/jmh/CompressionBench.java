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

/** Encoding one 8 KiB chunk record (compress, optionally encrypt, checksum) and decoding it back. */
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
    }

    @Benchmark
    public byte[] encode() {
        return ChunkRecord.encode(chunk, 0, chunk.length, fp, compression, key);
    }

    @Benchmark
    public byte[] decode() {
        return ChunkRecord.decode(record, 0, fp, key, "bench");
    }
}
