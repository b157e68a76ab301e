package dev.cistern.bench.jmh;

import dev.cistern.engine.chunking.Fingerprint;
import java.security.MessageDigest;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** SHA-256 fingerprints of 8 KiB chunks (the JDK intrinsic; compare with `openssl speed -evp sha256`). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HashingBench {
    private byte[] chunk;
    private MessageDigest md;

    @Setup
    public void setup() {
        chunk = new byte[8192];
        new Random(2).nextBytes(chunk);
        md = Fingerprint.digest();
    }

    @Benchmark
    public Fingerprint sha256Of8KiB() {
        return Fingerprint.of(md, chunk, 0, chunk.length);
    }
}
