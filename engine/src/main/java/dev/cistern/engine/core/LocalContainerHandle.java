package dev.cistern.engine.core;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.Names;
import dev.cistern.engine.Stats;
import dev.cistern.engine.StreamWriter;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.ContainerRecord;
import dev.cistern.engine.meta.Counters;
import dev.cistern.engine.meta.EntryRecord;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** The entries of one container. Entry records live under (container id, name) in ENTRIES. */
final class LocalContainerHandle implements ContainerHandle {
    /** A copy writes its records in batches of about this many bytes. */
    private static final long COPY_BATCH_BYTES = 4L * 1024 * 1024;
    private final LocalEngine engine;
    private final ContainerRecord record;
    private final GroupState group;

    LocalContainerHandle(LocalEngine engine, ContainerRecord record, GroupState group) {
        this.engine = engine;
        this.record = record;
        this.group = group;
    }

    long id() {
        return record.id();
    }

    LocalEngine engine() {
        return engine;
    }

    GroupState group() {
        return group;
    }

    String name() {
        return record.name();
    }

    @Override
    public ContainerInfo info() {
        return engine.containerInfo(record);
    }

    /**
     * The lock of entry {@code name}, shared by every handle of this container (S3 opens one per
     * request): whoever changes the entry's record holds it from reading the old record to writing the
     * batch, so two changes of one name never work from the same old record. Writers hold it around
     * their recipe batches ({@link StreamWriterImpl}, {@link FileEntryImpl}), which call
     * {@link #replaceEntry} and {@link #putEntrySize} inside it.
     */
    private Object lockOf(String name) {
        return engine.entryLock(record.id(), name);
    }

    byte[] entryKey(String name) {
        return Keys.idName(record.id(), name);
    }

    EntryRecord entry(String name) {
        byte[] v = engine.meta.get(Family.ENTRIES, entryKey(name));
        return v == null ? null : EntryRecord.decode(v);
    }

    EntryRecord requireEntry(String name) {
        Names.checkEntry(name);
        EntryRecord e = entry(name);
        if (e == null) {
            throw new EngineException(EngineException.Reason.NOT_FOUND,
                    "no entry '" + name + "' in container '" + record.name() + "'");
        }
        return e;
    }

    @Override
    public StreamWriter create(String name) {
        Names.checkEntry(name);
        group.writeKey();
        long entryId = engine.ids.next();
        engine.meta.put(Family.STAGING, Keys.id(entryId), Keys.id(record.id()), false);
        return new StreamWriterImpl(engine, this, name, true, entryId, 0);
    }

    @Override
    public StreamWriter append(String name) {
        EntryRecord e = streamOrCreate(name);
        return new StreamWriterImpl(engine, this, name, false, e.entryId(), e.size());
    }

    private EntryRecord streamOrCreate(String name) {
        Names.checkEntry(name);
        group.writeKey();
        synchronized (lockOf(name)) {
            EntryRecord e = entry(name);
            if (e == null) {
                e = new EntryRecord(engine.ids.next(), EntryInfo.Kind.STREAM, 0, 0, false, engine.clock.millis(), Map.of());
                engine.meta.put(Family.ENTRIES, entryKey(name), e.encode(), true);
            } else if (e.kind() != EntryInfo.Kind.STREAM) {
                throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "'" + name + "' is a volume, not a stream");
            }
            return e;
        }
    }

    @Override
    public FileEntry openFile(String name) {
        EntryRecord e = requireEntry(name);
        if (e.kind() != EntryInfo.Kind.STREAM) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "'" + name + "' is a volume, not a stream");
        }
        return new FileEntryImpl(engine, this, name);
    }

    @Override
    public FileEntry openOrCreateFile(String name) {
        streamOrCreate(name);
        return new FileEntryImpl(engine, this, name);
    }

    @Override
    public BlockVolume createVolume(String name, long sizeBytes, int blockSize, boolean readOnly) {
        Names.checkEntry(name);
        if (blockSize != 512 && blockSize != 4096) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "block size must be 512 or 4096, got " + blockSize);
        }
        if (sizeBytes <= 0 || sizeBytes % blockSize != 0) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "volume size must be a positive multiple of the block size " + blockSize + ", got " + sizeBytes);
        }
        synchronized (lockOf(name)) {
            if (entry(name) != null) {
                throw new EngineException(EngineException.Reason.ALREADY_EXISTS,
                        "entry '" + name + "' already exists in container '" + record.name() + "'");
            }
            EntryRecord e = new EntryRecord(engine.ids.next(), EntryInfo.Kind.VOLUME, sizeBytes, blockSize, readOnly,
                    engine.clock.millis(), Map.of());
            engine.meta.put(Family.ENTRIES, entryKey(name), e.encode(), true);
        }
        return openVolume(name);
    }

    @Override
    public BlockVolume openVolume(String name) {
        EntryRecord e = requireEntry(name);
        if (e.kind() != EntryInfo.Kind.VOLUME) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "'" + name + "' is a stream, not a volume");
        }
        return engine.volumes.open(this, name, e);
    }

    @Override
    public Optional<EntryInfo> stat(String name) {
        Names.checkEntry(name);
        EntryRecord e = entry(name);
        return e == null ? Optional.empty() : Optional.of(e.info(name));
    }

    @Override
    public List<EntryInfo> list(String prefix, String startAfter, int limit) {
        List<EntryInfo> out = new ArrayList<>();
        byte[] p = Keys.idName(record.id(), prefix == null ? "" : prefix);
        try (Scanner sc = engine.meta.scan(Family.ENTRIES, p)) {
            boolean ok;
            if (startAfter != null && startAfter.compareTo(prefix == null ? "" : prefix) >= 0) {
                sc.seek(entryKey(startAfter));
                ok = sc.valid();
                if (ok && Keys.nameAt(sc.key(), 8).equals(startAfter)) ok = sc.advance();
            } else {
                ok = sc.next();
            }
            while (ok && out.size() < limit) {
                out.add(EntryRecord.decode(sc.value()).info(Keys.nameAt(sc.key(), 8)));
                ok = sc.advance();
            }
        }
        return out;
    }

    @Override
    public void setAttributes(String name, Map<String, String> attributes) {
        Names.checkEntry(name);
        synchronized (lockOf(name)) {
            EntryRecord e = requireEntry(name);
            engine.meta.put(Family.ENTRIES, entryKey(name),
                    e.withAttributes(attributes, engine.clock.millis()).encode(), true);
        }
    }

    /**
     * Copies entry {@code from} to {@code to} without copying data: the new entry references the same
     * chunks. The source's record and recipe are read as of one moment (its lock held until the RocksDB
     * iterator, a snapshot, exists), so a writer replacing it meanwhile changes nothing of the copy; an
     * open volume's unflushed writes are flushed first. Every chunk referenced is looked up and noted
     * for the cleaner as a writer's would be ({@link DedupStore#referenceStored}), so a clean running
     * meanwhile keeps them even if the source is deleted before the copy is bound to its name.
     */
    @Override
    public void copy(String from, String to) {
        Names.checkEntry(to);
        Names.checkEntry(from);
        // a source rewritten in place (a file, a volume) while it is copied may have had a chunk of the
        // copy's snapshot reclaimed by a clean: the copy then starts over from the source as it is now
        for (int attempt = 1; ; attempt++) {
            try {
                copyOnce(from, to);
                return;
            } catch (EngineException e) {
                if (e.reason() != EngineException.Reason.DAMAGED || attempt == 3) throw e;
            }
        }
    }

    private void copyOnce(String from, String to) {
        EntryRecord src = requireEntry(from);
        if (src.kind() == EntryInfo.Kind.VOLUME) engine.volumes.flushOpen(src.entryId());
        long newId = engine.ids.next();
        // Copy the recipe under a staging id in bounded batches, then bind it to the name atomically.
        engine.meta.put(Family.STAGING, Keys.id(newId), Keys.id(record.id()), false);
        long mapped = 0;
        boolean bound = false;
        try (WriteSession session = new WriteSession(group, record.id())) {
            Scanner sc;
            Family fam;
            synchronized (lockOf(from)) {
                src = requireEntry(from);
                fam = src.kind() == EntryInfo.Kind.STREAM ? Family.RECIPES : Family.BLOCKS;
                sc = engine.meta.scan(fam, Keys.id(src.entryId()));
            }
            List<Fingerprint> referenced = new ArrayList<>();
            try (sc) {
                WriteBatch b = engine.meta.batch();
                try {
                    while (sc.next()) {
                        byte[] k = sc.key().clone();
                        byte[] v = sc.value();
                        System.arraycopy(Keys.id(newId), 0, k, 0, 8);
                        b.put(engine.meta.cf(fam), k, v);
                        for (int i = 0, n = ChunkReferences.count(fam, v); i < n; i++) {
                            referenced.add(Fingerprint.read(v, ChunkReferences.fingerprintOffset(fam, i)));
                        }
                        if (fam == Family.BLOCKS) {
                            // a unit counts its bytes inside the volume: the last one may be short
                            long unit = engine.config.volumeUnit();
                            mapped += Math.max(0, Math.min(unit, src.size() - Keys.longAt(k, 8) * unit));
                        }
                        // bounded by bytes: a recipe record holds up to 256 steps, a block map record one unit
                        if (b.getDataSize() >= COPY_BATCH_BYTES) {
                            referenceSourceChunks(session, referenced, from, src.entryId());
                            referenced.clear();
                            engine.meta.write(b, false);
                            b.close();
                            b = engine.meta.batch();
                        }
                    }
                    referenceSourceChunks(session, referenced, from, src.entryId());
                    engine.meta.write(b, false);
                } finally {
                    b.close();
                }
            }
            EntryRecord copy = new EntryRecord(newId, src.kind(), src.size(), src.blockSize(), src.readOnly(),
                    engine.clock.millis(), src.attributes());
            session.makeChunksDurable();
            synchronized (lockOf(to)) {
                try (WriteBatch b = engine.meta.batch()) {
                    if (src.kind() == EntryInfo.Kind.VOLUME) {
                        Counters.add(b, engine.meta, GroupCounters.volumeMapped(newId), mapped);
                    }
                    replaceEntry(b, to, copy, src.kind() == EntryInfo.Kind.VOLUME ? mapped : src.size());
                    b.delete(engine.meta.cf(Family.STAGING), Keys.id(newId));
                    engine.meta.write(b, true);
                    bound = true;
                }
            }
            session.committed();
        } catch (RocksDBException e) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "copy of '" + from + "' failed", e);
        } finally {
            // unbound, the staged records go now (and by recovery after a crash): nothing half-copied stays
            if (!bound) dropStaged(newId);
        }
    }

    /**
     * Notes the copy's references; a chunk gone from the index means a clean reclaimed it after the
     * source was deleted or replaced during the copy, which is then what the caller is told.
     */
    private void referenceSourceChunks(WriteSession session, List<Fingerprint> fps, String from, long sourceId) {
        try {
            engine.dedup.referenceStored(session, group, fps.toArray(Fingerprint[]::new));
        } catch (EngineException e) {
            EntryRecord now = entry(from);
            if (e.reason() == EngineException.Reason.DAMAGED && (now == null || now.entryId() != sourceId)) {
                throw new EngineException(EngineException.Reason.NOT_FOUND, "'" + from + "' was deleted or replaced while being copied");
            }
            throw e;
        }
    }

    private void dropStaged(long entryId) {
        try (WriteBatch b = engine.meta.batch()) {
            deleteEntryData(engine, b, entryId);
            b.delete(engine.meta.cf(Family.STAGING), Keys.id(entryId));
            engine.meta.write(b, false);
        } catch (RocksDBException | RuntimeException ignored) {
            // recovery drops it at the next start
        }
    }

    @Override
    public void rename(String from, String to) {
        Names.checkEntry(from);
        Names.checkEntry(to);
        Object[] locks = engine.entryLocks(record.id(), from, to);
        synchronized (locks[0]) {
            synchronized (locks[1]) {
                renameLocked(from, to);
            }
        }
    }

    private void renameLocked(String from, String to) {
        EntryRecord e = requireEntry(from);
        if (entry(to) != null) {
            throw new EngineException(EngineException.Reason.ALREADY_EXISTS, "entry '" + to + "' already exists");
        }
        try (WriteBatch b = engine.meta.batch()) {
            b.delete(engine.meta.cf(Family.ENTRIES), entryKey(from));
            b.put(engine.meta.cf(Family.ENTRIES), entryKey(to), e.encode());
            engine.meta.write(b, true);
            if (e.kind() == EntryInfo.Kind.VOLUME) engine.volumes.renamed(e.entryId(), to);
        } catch (RocksDBException ex) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "rename failed", ex);
        }
    }

    @Override
    public void delete(String name) {
        Names.checkEntry(name);
        synchronized (lockOf(name)) {
            EntryRecord e = requireEntry(name);
            try (WriteBatch b = engine.meta.batch()) {
                b.delete(engine.meta.cf(Family.ENTRIES), entryKey(name));
                dropEntry(b, e);
                engine.meta.write(b, true);
            } catch (RocksDBException ex) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "delete of '" + name + "' failed", ex);
            }
        }
    }

    /**
     * Deletes up to {@code max} entries (container deletion), each under its own lock and in its own
     * batch, then syncs once; returns how many.
     */
    int deletePage(int max) {
        int n = 0;
        try (Scanner sc = engine.meta.scan(Family.ENTRIES, Keys.id(record.id()))) {
            while (n < max && sc.next()) {
                String name = Keys.nameAt(sc.key(), 8);
                synchronized (lockOf(name)) {
                    EntryRecord e = entry(name);
                    if (e == null) continue; // deleted since the scan began
                    try (WriteBatch b = engine.meta.batch()) {
                        b.delete(engine.meta.cf(Family.ENTRIES), entryKey(name));
                        dropEntry(b, e);
                        engine.meta.write(b, false);
                    }
                }
                n++;
            }
            if (n > 0) engine.meta.sync();
        } catch (RocksDBException ex) {
            throw new EngineException(EngineException.Reason.IO_ERROR, "delete of container '" + record.name() + "' failed", ex);
        }
        return n;
    }

    /**
     * Puts {@code rec} under {@code name}, dropping the data of the entry it replaces (all in {@code b}).
     * The caller holds the entry's lock until {@code b} is written.
     */
    void replaceEntry(WriteBatch b, String name, EntryRecord rec, long logicalBytes) {
        synchronized (lockOf(name)) {
            try {
                EntryRecord old = entry(name);
                if (old != null) dropEntry(b, old);
                b.put(engine.meta.cf(Family.ENTRIES), entryKey(name), rec.encode());
                Counters.add(b, engine.meta, GroupCounters.containerLogical(record.id()), logicalBytes);
            } catch (RocksDBException e) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "entry update failed", e);
            }
        }
    }

    /**
     * Sets a stream's size in {@code b} with its logical-bytes delta; returns the new record. The caller
     * holds the entry's lock until {@code b} is written.
     */
    EntryRecord putEntrySize(WriteBatch b, String name, long entryId, long size) {
        synchronized (lockOf(name)) {
            EntryRecord e = entry(name);
            if (e == null || e.entryId() != entryId) {
                throw new EngineException(EngineException.Reason.NOT_FOUND,
                        "'" + name + "' was deleted or replaced while being written");
            }
            EntryRecord n = e.withSize(size, engine.clock.millis());
            try {
                b.put(engine.meta.cf(Family.ENTRIES), entryKey(name), n.encode());
            } catch (RocksDBException ex) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "entry update failed", ex);
            }
            Counters.add(b, engine.meta, GroupCounters.containerLogical(record.id()), size - e.size());
            return n;
        }
    }

    /**
     * Sets a volume's size in {@code b} (its logical bytes are its mapped bytes, counted at flush). The
     * caller holds the entry's lock until {@code b} is written.
     */
    void putVolumeSize(WriteBatch b, String name, long entryId, long size) {
        synchronized (lockOf(name)) {
            EntryRecord e = entry(name);
            if (e == null || e.entryId() != entryId) {
                throw new EngineException(EngineException.Reason.NOT_FOUND, "volume '" + name + "' was deleted");
            }
            try {
                b.put(engine.meta.cf(Family.ENTRIES), entryKey(name), e.withSize(size, engine.clock.millis()).encode());
            } catch (RocksDBException ex) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "entry update failed", ex);
            }
        }
    }

    private void dropEntry(WriteBatch b, EntryRecord e) throws RocksDBException {
        deleteEntryData(engine, b, e.entryId());
        long logical = e.size();
        if (e.kind() == EntryInfo.Kind.VOLUME) {
            logical = engine.meta.counter(GroupCounters.volumeMapped(e.entryId()));
            b.delete(engine.meta.cf(Family.COUNTERS), GroupCounters.volumeMapped(e.entryId()));
            engine.volumes.deleted(e.entryId());
        }
        Counters.add(b, engine.meta, GroupCounters.containerLogical(record.id()), -logical);
    }

    static void deleteEntryData(LocalEngine engine, WriteBatch b, long entryId) throws RocksDBException {
        b.deleteRange(engine.meta.cf(Family.RECIPES), Keys.id(entryId), Keys.id(entryId + 1));
        b.deleteRange(engine.meta.cf(Family.BLOCKS), Keys.id(entryId), Keys.id(entryId + 1));
    }

    @Override
    public Stats stats() {
        return engine.containerStats(record);
    }
}
