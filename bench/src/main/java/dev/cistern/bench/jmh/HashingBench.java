package dev.cistern.bench.jmh;

import dev.cistern.engine.chunking.Fingerprint;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * SHA-256 fingerprints of 8 KiB chunks, one operation per chunk: the JDK intrinsic one at a time (compare
 * with `openssl speed -evp sha256 -bytes 8192`), and the engine's batch of 16 chunks, two at a time on
 * the SHA extensions when its native library is loaded (run with -Dcistern.sha256.native=false to see the
 * batch on the JDK). Multiply ops/s by 8192 for bytes per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HashingBench {
    private static final int BATCH = 16;
    private byte[] chunks;
    private int[] off;
    private int[] len;
    private Fingerprint[] fps;
    private MessageDigest md;

    @Setup
    public void setup() {
        chunks = new byte[8192 * BATCH];
        new Random(2).nextBytes(chunks);
        off = new int[BATCH];
        len = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            off[i] = 8192 * i;
            len[i] = 8192;
        }
        fps = new Fingerprint[BATCH];
        md = Fingerprint.digest();
    }

    @Benchmark
    public Fingerprint sha256Of8KiB() {
        return Fingerprint.of(md, chunks, 0, 8192);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Fingerprint[] sha256Of8KiBBatched() {
        Fingerprint.ofAll(chunks, off, len, 0, BATCH, fps);
        return fps;
    }
}
