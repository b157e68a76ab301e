package dev.cistern.bench.jmh;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.HashLinkedListMemTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.SkipListMemTableConfig;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * What storing a batch of new chunks costs the fingerprint index while its memtable fills: look up
 * 128 fingerprints that are not there (every new chunk misses), then put them. Compares RocksDB's
 * default skip list with the hash of linked lists the engine's INDEX family uses (see MetaStore):
 * random 40-byte keys make every skip-list step a cache miss.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IndexMemtableBench {
    private static final int BATCH = 128;

    @Param({"skiplist", "hashlinkedlist"})
    public String memtable;

    private Path dir;
    private RocksDB db;
    private Options options;
    private WriteOptions noSync;
    private final Random random = new Random(7);
    private final byte[] location = new byte[24];

    @Setup(Level.Iteration)
    public void open() throws IOException, RocksDBException {
        RocksDB.loadLibrary();
        noSync = new WriteOptions();
        dir = Files.createTempDirectory("cistern-memtablebench");
        // a memtable as large as the engine's, so it is never flushed within an iteration
        ColumnFamilyOptions cf = new ColumnFamilyOptions().setWriteBufferSize(64L * 1024 * 1024);
        if (memtable.equals("hashlinkedlist")) {
            cf.useFixedLengthPrefixExtractor(16).setMemTableConfig(new HashLinkedListMemTableConfig().setBucketCount(1 << 19));
        } else {
            cf.setMemTableConfig(new SkipListMemTableConfig());
        }
        options = new Options(new DBOptions().setCreateIfMissing(true).setAllowConcurrentMemtableWrite(false), cf);
        db = RocksDB.open(options, dir.toString());
        // start from a memtable already holding what a few backups' new chunks put there
        for (int i = 0; i < 2000; i++) storeNewBatch();
    }

    @Benchmark
    public int storeNewBatch() throws RocksDBException {
        List<byte[]> keys = new ArrayList<>(BATCH);
        byte[] fp = new byte[32];
        for (int i = 0; i < BATCH; i++) {
            random.nextBytes(fp);
            keys.add(ByteBuffer.allocate(40).putLong(1).put(fp).array());
        }
        int found = 0;
        for (byte[] v : db.multiGetAsList(keys)) if (v != null) found++;
        try (WriteBatch b = new WriteBatch()) {
            for (byte[] k : keys) b.put(k, location);
            db.write(noSync, b);
        }
        return found;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        db.close();
        options.close();
        noSync.close();
        try (var s = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(s.toList());
            Collections.reverse(all);
            for (Path p : all) Files.deleteIfExists(p);
        }
    }
}
