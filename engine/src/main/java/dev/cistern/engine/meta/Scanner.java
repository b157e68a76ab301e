package dev.cistern.engine.meta;

import java.util.Arrays;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;

/** Iterates the keys of one column family that start with a prefix. Close it. */
public final class Scanner implements AutoCloseable {
    private final RocksIterator it;
    private final byte[] prefix;
    private final ReadOptions readOptions;
    /** The store whose token this scanner holds: it frees nothing native while a scanner is open. */
    private final MetaStore store;
    private boolean started;
    private boolean closed;

    Scanner(RocksIterator it, byte[] prefix, ReadOptions readOptions, MetaStore store) {
        this.it = it;
        this.prefix = prefix;
        this.readOptions = readOptions;
        this.store = store;
    }

    /** Positions at the first key &gt;= {@code key} (which should start with the prefix). */
    public Scanner seek(byte[] key) {
        it.seek(key);
        started = true;
        return this;
    }

    /** Positions at the last key &lt;= {@code key}. */
    public Scanner seekForPrev(byte[] key) {
        it.seekForPrev(key);
        started = true;
        return this;
    }

    /** Advances; false when past the prefix. */
    public boolean next() {
        store.checkOpen();
        if (!started) {
            it.seek(prefix);
            started = true;
        } else {
            it.next();
        }
        return valid();
    }

    /** True when positioned on a key with the prefix (after a seek). */
    public boolean valid() {
        if (!it.isValid()) return false;
        byte[] k = it.key();
        return k.length >= prefix.length && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** Moves on after a seek without skipping the current key the first time. */
    public boolean advance() {
        store.checkOpen();
        it.next();
        return valid();
    }

    public byte[] key() {
        return it.key();
    }

    public byte[] value() {
        return it.value();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            it.close();
            if (readOptions != null) readOptions.close();
        } finally {
            store.leave();
        }
    }
}
