package dev.cistern.bench.jmh;

import dev.cistern.engine.ChunkingSpec;
import dev.cistern.engine.chunking.FastCdc;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** FastCDC cut-point search over 64 MiB of random data (bytes/s = 64 MiB / score). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ChunkingBench {
    private final FastCdc cdc = new FastCdc(ChunkingSpec.DEFAULT);
    private byte[] data;

    @Setup
    public void setup() {
        data = new byte[64 << 20];
        new Random(1).nextBytes(data);
    }

    @Benchmark
    public int chunk64MiB() {
        int pos = 0;
        int n = 0;
        while (pos < data.length) {
            pos += cdc.next(data, pos, data.length - pos, true);
            n++;
        }
        return n;
    }
}
