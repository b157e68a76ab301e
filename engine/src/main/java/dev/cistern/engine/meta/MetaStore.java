package dev.cistern.engine.meta;

import dev.cistern.engine.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.HashLinkedListMemTableConfig;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.UInt64AddOperator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * All engine metadata in one RocksDB, one column family per kind of record, so that a change that
 * touches several kinds (a recipe and the entry's size, a moved chunk and its index entry) is one
 * atomic {@link WriteBatch}. Key layouts are in {@link Keys}.
 *
 * <p>Closing is safe while other threads still call in: RocksDB's Java objects point at native memory
 * that closing frees, and a call that reached it afterwards crashed the whole JVM (SIGSEGV). Every call,
 * open scanner and snapshot holds a token; {@link #close} refuses new ones (CLOSED) and frees the native
 * side only once the last is given back.
 */
public final class MetaStore implements AutoCloseable {
    public enum Family {
        DEFAULT("default"),
        /** group id -> group record */
        GROUPS("groups"),
        /** container id -> container record */
        CONTAINERS("containers"),
        /** container id | entry name -> entry record */
        ENTRIES("entries"),
        /** entry id | offset -> fingerprint | length: stream recipes */
        RECIPES("recipes"),
        /** entry id | unit index -> fingerprint: volume block maps */
        BLOCKS("blocks"),
        /** group id | fingerprint -> chunk location: the fingerprint index (bloom filtered) */
        INDEX("index"),
        /** group id | container id -> state | size: chunk container files */
        CHUNK_CONTAINERS("chunk_containers"),
        /** group id | container id | offset -> fingerprint | lengths: what each chunk container holds */
        CONTAINER_CHUNKS("container_chunks"),
        /** entry id -> container id | created: entries being written, not yet published */
        STAGING("staging"),
        /** counter key -> u64 (merged by addition) */
        COUNTERS("counters");

        final String cfName;

        Family(String cfName) {
            this.cfName = cfName;
        }
    }

    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final DBOptions dbOptions;
    private final List<ColumnFamilyOptions> cfOptions = new ArrayList<>();
    private final LRUCache cache;
    private final WriteOptions syncWrite = new WriteOptions().setSync(true);
    private final WriteOptions asyncWrite = new WriteOptions().setSync(false);
    /** Calls in progress plus open scanners and snapshots: the native side is freed only at zero. */
    private final AtomicLong inUse = new AtomicLong();
    private volatile boolean closed;
    /** Whether the native side is freed: guarded by this store's lock. */
    private boolean freed;
    /** How long {@link #close} waits for calls to finish; after that the last one back frees the native side. */
    private static final long CLOSE_WAIT_MILLIS = 30_000;

    private MetaStore(RocksDB db, List<ColumnFamilyHandle> handles, DBOptions dbOptions, LRUCache cache,
                      List<ColumnFamilyOptions> cfOptions) {
        this.db = db;
        this.handles = handles;
        this.dbOptions = dbOptions;
        this.cache = cache;
        this.cfOptions.addAll(cfOptions);
    }

    public static MetaStore open(Path dir) {
        RocksDB.loadLibrary();
        LRUCache cache = null;
        DBOptions dbo = null;
        List<ColumnFamilyOptions> opts = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            cache = new LRUCache(256L * 1024 * 1024);
            dbo = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                    .setMaxBackgroundJobs(2).setKeepLogFileNum(5)
                    // a hash memtable takes one writer at a time (RocksDB still groups concurrent commits)
                    .setAllowConcurrentMemtableWrite(false);
            List<ColumnFamilyDescriptor> descs = new ArrayList<>();
            for (Family f : Family.values()) {
                ColumnFamilyOptions o = new ColumnFamilyOptions();
                BlockBasedTableConfig t = new BlockBasedTableConfig().setBlockCache(cache)
                        .setFilterPolicy(new BloomFilter(10, false)).setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true);
                o.setTableFormatConfig(t);
                if (f == Family.COUNTERS) o.setMergeOperator(new UInt64AddOperator());
                if (f == Family.INDEX) {
                    // Fingerprints are random keys, only ever read and written one at a time (no scans).
                    // In the default skip-list memtable each insert and each lookup of a new chunk (a
                    // miss) walked ~20 levels of cache misses: 12% of the CPU of ingesting new data
                    // (perf). A hash table of linked lists, keyed by group and 8 fingerprint bytes, makes
                    // both O(1); the memtable is sorted once when flushed, in the background.
                    o.setOptimizeFiltersForHits(false).setWriteBufferSize(64L * 1024 * 1024)
                            .useFixedLengthPrefixExtractor(16)
                            .setMemTableConfig(new HashLinkedListMemTableConfig().setBucketCount(1 << 19));
                }
                opts.add(o);
                descs.add(new ColumnFamilyDescriptor(f.cfName.getBytes(), o));
            }
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            RocksDB db = RocksDB.open(dbo, dir.toString(), descs, handles);
            return new MetaStore(db, handles, dbo, cache, opts);
        } catch (RocksDBException | java.io.IOException e) {
            // refused (a lock held, a damaged store): free the options, or each retry leaks them
            opts.forEach(ColumnFamilyOptions::close);
            if (dbo != null) dbo.close();
            if (cache != null) cache.close();
            String msg = String.valueOf(e.getMessage());
            if (EngineException.saysNoSpace(msg)) {
                // opening writes (the log replayed into a table, a new manifest): a full disk refuses even that
                throw new EngineException(EngineException.Reason.NO_SPACE, "cannot open metadata store " + dir
                        + ": the disk is full; free space on it, then start again (nothing was changed): " + msg, e);
            }
            throw new EngineException(EngineException.Reason.IO_ERROR, "cannot open metadata store " + dir + ": " + msg, e);
        }
    }

    /**
     * Takes a token, or throws CLOSED. Raised first and then the flag read, while close sets the flag and
     * then reads the count: one of the two always sees the other.
     */
    private void enter() {
        inUse.incrementAndGet();
        if (closed) {
            leave();
            throw new EngineException(EngineException.Reason.CLOSED, "the metadata store is closed");
        }
    }

    /** Gives a token back; the last one back after a close that stopped waiting frees the native side. */
    void leave() {
        if (inUse.decrementAndGet() == 0 && closed) freeNative();
    }

    /** For scanners: a long scan stops at its next step once the store is closing, and gives its token back. */
    void checkOpen() {
        if (closed) throw new EngineException(EngineException.Reason.CLOSED, "the metadata store is closed");
    }

    /** Flushes a column family's memtable to disk and waits (benchmarks: lookups as from a store at rest). */
    public void flush(Family f) {
        call("flush", () -> {
            try (org.rocksdb.FlushOptions o = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
                db.flush(o, cf(f));
            }
            return null;
        });
    }

    /**
     * Rewrites column family {@code f}'s files without values that were overwritten or deleted (and
     * flushes every family first, so that no write-ahead log file still holds them either): for
     * secrets that were replaced, like a wrapped key under an old passphrase. Copies of the disk made
     * before keep them, and so may the file system's free blocks.
     */
    public void purgeOldValues(Family f) {
        call("compaction", () -> {
            try (org.rocksdb.FlushOptions o = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
                db.flush(o, handles);
            }
            try (org.rocksdb.CompactRangeOptions o = new org.rocksdb.CompactRangeOptions()
                    .setBottommostLevelCompaction(org.rocksdb.CompactRangeOptions.BottommostLevelCompaction.kForce)) {
                db.compactRange(cf(f), null, null, o);
            }
            return null;
        });
    }

    /**
     * A column family's handle, to put into a batch from {@link #batch}. RocksDB frees the handles with the
     * database, so use one only while holding a token: inside such a batch, a scan or a call here.
     */
    public ColumnFamilyHandle cf(Family f) {
        return handles.get(f.ordinal());
    }

    /** A write batch to fill and {@link #write}; it holds a token until closed, so close it. */
    public WriteBatch batch() {
        enter();
        return new Batch(this);
    }

    private static final class Batch extends WriteBatch {
        private final MetaStore store;
        private boolean returned;

        Batch(MetaStore store) {
            this.store = store;
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                if (!returned) {
                    returned = true;
                    store.leave();
                }
            }
        }
    }

    /** A consistent view for many reads; give it back with {@link #releaseSnapshot}. */
    public Snapshot snapshot() {
        enter();
        return db.getSnapshot();
    }

    public void releaseSnapshot(Snapshot s) {
        try {
            db.releaseSnapshot(s);
        } finally {
            leave();
        }
    }

    /** One call into RocksDB: under a token, its failure reported as the engine's ({@code op} names it). */
    private interface NativeCall<T> {
        T run() throws RocksDBException;
    }

    private <T> T call(String op, NativeCall<T> c) {
        enter();
        try {
            return c.run();
        } catch (RocksDBException e) {
            throw ioError(op, e);
        } finally {
            leave();
        }
    }

    public void delete(Family f, byte[] key) {
        call("write", () -> {
            db.delete(cf(f), key);
            return null;
        });
    }

    public byte[] get(Family f, byte[] key) {
        return call("read", () -> db.get(cf(f), key));
    }

    /** A point read with {@code readOptions} (a snapshot, say: one ReadOptions for many reads). */
    public byte[] get(Family f, byte[] key, org.rocksdb.ReadOptions readOptions) {
        return call("read", () -> db.get(cf(f), readOptions, key));
    }

    public List<byte[]> multiGet(Family f, List<byte[]> keys) {
        List<ColumnFamilyHandle> cfs = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) cfs.add(cf(f));
        return call("read", () -> db.multiGetAsList(cfs, keys));
    }

    /** Writes a batch; {@code sync} makes it durable before returning. */
    public void write(WriteBatch batch, boolean sync) {
        call("write", () -> {
            db.write(sync ? syncWrite : asyncWrite, batch);
            return null;
        });
    }

    public void put(Family f, byte[] key, byte[] value, boolean sync) {
        try (WriteBatch b = batch()) {
            b.put(cf(f), key, value);
            write(b, sync);
        } catch (RocksDBException e) {
            throw ioError("write", e);
        }
    }

    /**
     * Throws IO_ERROR if RocksDB refuses writes (it stops after a background error it cannot recover
     * from by itself: a flush or compaction that failed on a full or failing disk) or a point read fails.
     * Probes with a read and an unsynced delete of a key no record uses: no data, a few bytes of log.
     */
    public void checkHealth() {
        call("health check", () -> {
            try (WriteBatch b = new WriteBatch()) {
                db.get(cf(Family.COUNTERS), HEALTH_PROBE_KEY);
                b.delete(cf(Family.COUNTERS), HEALTH_PROBE_KEY);
                db.write(asyncWrite, b);
            }
            return null;
        });
    }

    /** A key no record uses: reading it walks the read path without finding anything. */
    private static final byte[] HEALTH_PROBE_KEY = "health-probe".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Makes every earlier write durable (fsync of the write-ahead log). */
    public void sync() {
        call("sync", () -> {
            db.flushWal(true);
            return null;
        });
    }

    /** A scanner holds its token until closed: close it. */
    public Scanner scan(Family f, byte[] prefix) {
        checkScannable(f);
        enter();
        try {
            return new Scanner(db.newIterator(cf(f)), prefix, null, this);
        } catch (RuntimeException | Error e) {
            leave();
            throw e;
        }
    }

    public Scanner scan(Family f, byte[] prefix, Snapshot snapshot) {
        checkScannable(f);
        enter();
        org.rocksdb.ReadOptions ro = null;
        try {
            ro = new org.rocksdb.ReadOptions().setSnapshot(snapshot);
            return new Scanner(db.newIterator(cf(f), ro), prefix, ro, this);
        } catch (RuntimeException | Error e) {
            if (ro != null) ro.close();
            leave();
            throw e;
        }
    }

    /** The index's hash memtable has no key order: an iterator over it would silently skip keys. */
    private static void checkScannable(Family f) {
        if (f == Family.INDEX) throw new IllegalArgumentException("the fingerprint index is point lookups only");
    }

    public long counter(byte[] key) {
        byte[] v = get(Family.COUNTERS, key);
        return v == null ? 0 : Counters.decode(v);
    }

    static EngineException ioError(String op, RocksDBException e) {
        String msg = e.getMessage() == null ? String.valueOf(e.getStatus()) : e.getMessage();
        if (EngineException.saysNoSpace(msg)) {
            return new EngineException(EngineException.Reason.NO_SPACE, "metadata " + op + " failed: disk full", e);
        }
        return new EngineException(EngineException.Reason.IO_ERROR, "metadata " + op + " failed: " + msg, e);
    }

    /**
     * Refuses new calls, waits for those in progress and for open batches, scanners and snapshots (a
     * scanner's next step fails CLOSED, so long scans give theirs back soon), then frees the native side.
     * If some are still out after {@link #CLOSE_WAIT_MILLIS}, returns, and the last one given back frees it.
     */
    @Override
    public void close() {
        close(CLOSE_WAIT_MILLIS);
    }

    void close(long waitMillis) {
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        boolean interrupted = false;
        try {
            while (inUse.get() > 0) {
                if (System.nanoTime() > deadline) {
                    LOG.warning("metadata store closing with " + inUse.get() + " calls, batches, scanners or snapshots"
                            + " still out after " + waitMillis + " ms: it is freed when the last comes back");
                    return;
                }
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    interrupted = true; // the tokens come back within moments: finish closing, keep the interrupt
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        freeNative();
    }

    /** Once, when closed and no token is out: by {@link #close}, or by the last {@link #leave} after it gave up waiting. */
    private synchronized void freeNative() {
        if (freed) return;
        freed = true;
        try {
            db.flushWal(true);
        } catch (RocksDBException ignored) {
            // closing anyway; the WAL is replayed at next open
        }
        db.close();
        dbOptions.close();
        cfOptions.forEach(ColumnFamilyOptions::close);
        cache.close();
        syncWrite.close();
        asyncWrite.close();
    }

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(MetaStore.class.getName());
}
