package dev.cistern.bench.jmh;

import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** Fingerprint index lookups in RocksDB: batches of 256 hits and 256 misses (bloom filter) out of 1M keys. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IndexBench {
    private static final int KEYS = 1_000_000;
    private Path dir;
    private MetaStore meta;
    private List<byte[]> hits;
    private List<byte[]> misses;

    @Setup(Level.Trial)
    public void setup() throws IOException, org.rocksdb.RocksDBException {
        dir = Files.createTempDirectory("cistern-indexbench");
        meta = MetaStore.open(dir);
        Random r = new Random(4);
        byte[] fp = new byte[32];
        byte[] loc = new byte[20];
        hits = new ArrayList<>();
        misses = new ArrayList<>();
        try (var b = meta.batch()) {
            for (int i = 0; i < KEYS; i++) {
                r.nextBytes(fp);
                byte[] k = key(fp);
                b.put(meta.cf(Family.INDEX), k, loc);
                if (i % (KEYS / 256) == 0 && hits.size() < 256) hits.add(k);
            }
            meta.write(b, false);
        } catch (org.rocksdb.RocksDBException e) {
            throw new IOException(e);
        }
        meta.flush(Family.INDEX);
        for (int i = 0; i < 256; i++) {
            r.nextBytes(fp);
            misses.add(key(fp));
        }
    }

    private static byte[] key(byte[] fp) {
        return java.nio.ByteBuffer.allocate(8 + Fingerprint.LENGTH).putLong(1).put(fp).array();
    }

    @Benchmark
    public int lookup256Hits() {
        return meta.multiGet(Family.INDEX, hits).size();
    }

    @Benchmark
    public int lookup256Misses() {
        return meta.multiGet(Family.INDEX, misses).size();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        meta.close();
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
