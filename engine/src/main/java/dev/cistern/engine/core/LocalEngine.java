package dev.cistern.engine.core;

import dev.cistern.engine.CleanMode;
import dev.cistern.engine.CleanReport;
import dev.cistern.engine.Compression;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EngineException.Reason;
import dev.cistern.engine.Names;
import dev.cistern.engine.Progress;
import dev.cistern.engine.Stats;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.engine.VerifyReport;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.crypto.GroupKeys;
import dev.cistern.engine.crypto.KeyWrap;
import dev.cistern.engine.meta.ContainerRecord;
import dev.cistern.engine.meta.GroupRecord;
import dev.cistern.engine.meta.GroupRecord.ChunkIdScheme;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.meta.MetaStore;
import dev.cistern.engine.meta.MetaStore.Family;
import dev.cistern.engine.meta.Scanner;
import dev.cistern.engine.store.ChunkStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/** The engine on a local data directory: {@code meta/} (RocksDB) and {@code chunks/<group>/} (container files). */
public final class LocalEngine implements Engine {
    private static final Logger LOG = Logger.getLogger(LocalEngine.class.getName());
    private static final int ENTRY_LOCKS = 1024;

    final EngineConfig config;
    final Clock clock;
    final MetaStore meta;
    final IdAllocator ids;
    final DedupStore dedup;
    /** Where tests hold a writer or the cleaner to force an interleaving. */
    final PausePoints pausePoints = new PausePoints();
    final ChunkReader chunkReader;
    final VolumeRegistry volumes = new VolumeRegistry();
    final Map<Long, GroupState> groups = new ConcurrentHashMap<>();
    private final Map<Long, Traffic> traffic = new ConcurrentHashMap<>();
    /** Container records by name: looked up on every protocol request, so kept in memory (changes under namespaceLock). */
    private final Map<String, ContainerRecord> containersByName = new ConcurrentHashMap<>();
    private final Object[] entryLocks = new Object[ENTRY_LOCKS];
    private final ExecutorService workers;
    /** Pipeline stages of writers (one task per writer at a time); virtual, so they never starve {@link #workers}. */
    private final ExecutorService stageExecutor = Executors.newVirtualThreadPerTaskExecutor();
    /**
     * Runs writers' stages on {@link #stageExecutor}; once the engine is closing, on the thread that hands
     * them over: a stage refused there would leave its writer waiting for ever, while one run here fails
     * fast (the stores are closed) and lets its writer fail with it.
     */
    final java.util.concurrent.Executor stages = task -> {
        try {
            stageExecutor.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            task.run();
        }
    };
    private final ScheduledExecutorService scheduler;
    private final ReentrantLock cleanLock = new ReentrantLock();
    private final ReentrantLock verifyLock = new ReentrantLock();
    private final Object namespaceLock = new Object();
    private volatile boolean closed;

    private LocalEngine(EngineConfig config) {
        this.config = config;
        this.clock = config.clock();
        this.meta = MetaStore.open(config.dataDir().resolve("meta"));
        try {
            checkDataFormat(meta, config.dataDir());
        } catch (EngineException e) {
            meta.close();
            throw e;
        }
        this.ids = new IdAllocator(meta);
        this.workers = Executors.newFixedThreadPool(config.ingestThreads(), r -> {
            Thread t = new Thread(r, "cistern-ingest");
            t.setDaemon(true);
            return t;
        });
        this.dedup = new DedupStore(meta, workers, config.ingestThreads(), config.dataDir(), pausePoints);
        this.chunkReader = new ChunkReader(meta);
        for (int i = 0; i < ENTRY_LOCKS; i++) entryLocks[i] = new Object();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cistern-flusher");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Version of the on-disk layout (metadata keys and chunk container format): 2 since frames, 3 since
     * recipes in segments ({@link Recipe}). Format 2 is a subset of 3 (a one-step record is a segment of
     * one), so a format-2 directory is upgraded in place when opened; a version that reads only 2 would
     * take a segment for its first step and lose the rest, which is why it must then refuse it.
     */
    static final int DATA_FORMAT = 3;
    /**
     * Format 4: format 3 holding a group with keyed chunk ids. Stamped only when the first such group is
     * created, so a directory without one stays readable by the versions before: a version that predates
     * keyed ids would fail to unlock such a group, and a change of its quota there would rewrite its record
     * without the scheme, leaving a group this version cannot unlock either.
     */
    static final int KEYED_IDS_FORMAT = 4;
    /** The oldest format this version opens (upgrading it to {@link #DATA_FORMAT}). */
    private static final int OLDEST_READABLE_FORMAT = 2;
    private static final byte[] FORMAT_KEY = "data-format".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Refuses a data directory written in another layout rather than misreading it: recovery would take
     * its containers for damaged ones and drop them. A new directory is stamped with this one.
     */
    private static void checkDataFormat(MetaStore meta, java.nio.file.Path dataDir) {
        byte[] v = meta.get(Family.DEFAULT, FORMAT_KEY);
        if (v == null) {
            if (meta.get(Family.DEFAULT, IdAllocator.KEY) != null) {
                throw new EngineException(Reason.INVALID_ARGUMENT, "data directory " + dataDir + " was written by an"
                        + " earlier version of Cistern (data format 1); this version reads formats " + OLDEST_READABLE_FORMAT
                        + " to " + DATA_FORMAT + ": use a new data directory, or the version that wrote it");
            }
            meta.put(Family.DEFAULT, FORMAT_KEY, Keys.id(DATA_FORMAT), true);
            return;
        }
        long format = Keys.longAt(v, 0);
        if (format < OLDEST_READABLE_FORMAT || format > KEYED_IDS_FORMAT) {
            throw new EngineException(Reason.INVALID_ARGUMENT, "data directory " + dataDir + " has data format "
                    + format + "; this version of Cistern reads formats " + OLDEST_READABLE_FORMAT + " to " + KEYED_IDS_FORMAT);
        }
        if (format < DATA_FORMAT) {
            // stamped before anything is written in the new layout, so an older version refuses the directory
            meta.put(Family.DEFAULT, FORMAT_KEY, Keys.id(DATA_FORMAT), true);
            LOG.info("data directory " + dataDir + " upgraded from data format " + format + " to " + DATA_FORMAT
                    + " (recipes in segments); versions of Cistern before this one can no longer open it");
        }
    }

    public static LocalEngine open(EngineConfig config) {
        try {
            ChunkStore.createDirectoriesDurably(config.dataDir().resolve("chunks"));
        } catch (java.io.IOException e) {
            throw new EngineException(Reason.IO_ERROR, "cannot create data directory " + config.dataDir() + ": " + e.getMessage(), e);
        }
        // loads the hashing now, so its log line (native or JDK, and why) comes at start, not at a first write
        Fingerprint.nativeHashing();
        LocalEngine e = new LocalEngine(config);
        try (Scanner sc = e.meta.scan(Family.GROUPS, new byte[0])) {
            while (sc.next()) e.addGroupState(GroupRecord.decode(sc.value()), null);
        }
        for (ContainerRecord r : e.containerRecords()) e.containersByName.put(r.name(), r);
        new Recovery(e).run();
        for (GroupState g : e.groups.values()) e.loadCounters(g);
        // Volumes' unflushed writes become durable within a few seconds even if nobody asks.
        e.scheduler.scheduleWithFixedDelay(() -> e.volumes.flushAll(
                ex -> LOG.log(Level.WARNING, "periodic volume flush failed", ex)), 2, 2, TimeUnit.SECONDS);
        return e;
    }

    /** Publishes the group's state, unlocked first with {@code keys} if given (never seen locked after a create). */
    private GroupState addGroupState(GroupRecord r, GroupKeys keys) {
        ChunkStore store = new ChunkStore(r.id(), chunkDir(r.id()), config.containerSize(), ids::next,
                new ChunkStore.SealListener() {
                    @Override
                    public void created(long groupId, long containerId) {
                        ChunkContainerState s = new ChunkContainerState(groupId, containerId, false, 0);
                        meta.put(Family.CHUNK_CONTAINERS, s.key(), s.value(), false);
                    }

                    @Override
                    public void sealed(long groupId, long containerId, long size) {
                        ChunkContainerState s = new ChunkContainerState(groupId, containerId, true, size);
                        meta.put(Family.CHUNK_CONTAINERS, s.key(), s.value(), false);
                    }
                });
        GroupState g = new GroupState(r, store, config.localityContainers());
        if (keys != null) g.unlock(keys);
        groups.put(r.id(), g);
        return g;
    }

    Path chunkDir(long groupId) {
        return config.dataDir().resolve("chunks").resolve(String.format("%016x", groupId));
    }

    void loadCounters(GroupState g) {
        g.uniqueBytes.set(meta.counter(GroupCounters.unique(g.id())));
        g.storedBytes.set(meta.counter(GroupCounters.stored(g.id())));
        g.chunkCount.set(meta.counter(GroupCounters.chunks(g.id())));
    }

    Traffic traffic(long containerId) {
        return traffic.computeIfAbsent(containerId, k -> new Traffic());
    }

    Object entryLock(long containerId, String name) {
        return entryLocks[entryStripe(containerId, name)];
    }

    /** The locks of two entries of a container, in the one order every caller takes them (rename). */
    Object[] entryLocks(long containerId, String a, String b) {
        int i = entryStripe(containerId, a);
        int j = entryStripe(containerId, b);
        return new Object[] {entryLocks[Math.min(i, j)], entryLocks[Math.max(i, j)]};
    }

    private static int entryStripe(long containerId, String name) {
        return Math.floorMod(31 * Long.hashCode(containerId) + name.hashCode(), ENTRY_LOCKS);
    }

    private void checkOpen() {
        if (closed) throw new EngineException(Reason.CLOSED, "the engine is closed");
    }

    // ---- storage groups

    GroupState groupState(String name) {
        checkOpen();
        for (GroupState g : groups.values()) if (g.name().equals(name)) return g;
        throw new EngineException(Reason.NOT_FOUND, "no storage group '" + name + "'");
    }

    GroupState groupState(long id) {
        GroupState g = groups.get(id);
        if (g == null) throw new EngineException(Reason.NOT_FOUND, "no storage group with id " + id);
        return g;
    }

    @Override
    public StorageGroupInfo createGroup(StorageGroupSpec spec) {
        checkOpen();
        // checked before hashing too, so a taken name does not cost a derivation; again under the lock
        requireNewGroupName(spec.name());
        // an encrypted group keys its chunk ids and boundaries: plain SHA-256 ids in clear on disk would
        // tell whoever has the disks whether a file they know is stored (see ChunkIds)
        GroupKeys keys = spec.passphrase() == null ? null : GroupKeys.generate(true);
        try {
            // hashed (PBKDF2) before the namespace lock, which every group and container change waits for
            byte[] wrapped = keys == null ? null : KeyWrap.wrap(keys.encode(), spec.passphrase());
            if (keys != null) pausePoints.inKeyDerivation.run();
            synchronized (namespaceLock) {
                requireNewGroupName(spec.name());
                GroupRecord r = new GroupRecord(ids.next(), spec.name(), spec.compression(), spec.quotaBytes(),
                        spec.chunking(), wrapped, clock.millis(), keys == null ? ChunkIdScheme.SHA256 : ChunkIdScheme.KEYED);
                if (keys != null && Keys.longAt(meta.get(Family.DEFAULT, FORMAT_KEY), 0) < KEYED_IDS_FORMAT) {
                    // before the record: a version that would misread the group never sees it unstamped
                    meta.put(Family.DEFAULT, FORMAT_KEY, Keys.id(KEYED_IDS_FORMAT), true);
                    LOG.info("data directory " + config.dataDir() + " now holds a storage group with keyed chunk ids"
                            + " (data format " + KEYED_IDS_FORMAT + "); versions of Cistern before keyed ids can no longer open it");
                }
                meta.put(Family.GROUPS, Keys.id(r.id()), r.encode(), true);
                // unlocked before it is listed: readers of the group list do not take the namespace lock, and the
                // health monitor raised "locked since the server started" for a group seen in between
                return addGroupState(r, keys).info();
            }
        } finally {
            if (keys != null) keys.wipe();
        }
    }

    private void requireNewGroupName(String name) {
        for (GroupState g : groups.values()) {
            if (g.name().equals(name)) {
                throw new EngineException(Reason.ALREADY_EXISTS, "storage group '" + name + "' already exists");
            }
        }
    }

    @Override
    public List<StorageGroupInfo> listGroups() {
        checkOpen();
        return groups.values().stream().map(GroupState::info).sorted(Comparator.comparing(StorageGroupInfo::name)).toList();
    }

    @Override
    public StorageGroupInfo group(String name) {
        return groupState(name).info();
    }

    @Override
    public StorageGroupInfo updateGroup(String name, Compression compression, Long quotaBytes) {
        synchronized (namespaceLock) {
            GroupState g = groupState(name);
            if (quotaBytes != null && quotaBytes < 0) {
                throw new EngineException(Reason.INVALID_ARGUMENT, "quota must be >= 0 (0 = unlimited)");
            }
            GroupRecord r = g.record.with(compression == null ? g.record.compression() : compression,
                    quotaBytes == null ? g.record.quotaBytes() : quotaBytes, g.record.wrappedKey());
            meta.put(Family.GROUPS, Keys.id(r.id()), r.encode(), true);
            g.record = r;
            return g.info();
        }
    }

    @Override
    public void deleteGroup(String name) {
        synchronized (namespaceLock) {
            GroupState g = groupState(name);
            if (!listContainers(name).isEmpty()) {
                throw new EngineException(Reason.NOT_EMPTY, "storage group '" + name
                        + "' still holds containers: delete them first");
            }
            try (WriteBatch b = meta.batch()) {
                b.delete(meta.cf(Family.GROUPS), Keys.id(g.id()));
                b.deleteRange(meta.cf(Family.INDEX), Keys.id(g.id()), Keys.id(g.id() + 1));
                b.deleteRange(meta.cf(Family.CHUNK_CONTAINERS), Keys.id(g.id()), Keys.id(g.id() + 1));
                b.deleteRange(meta.cf(Family.CONTAINER_CHUNKS), Keys.id(g.id()), Keys.id(g.id() + 1));
                for (byte[] k : List.of(GroupCounters.unique(g.id()), GroupCounters.stored(g.id()), GroupCounters.chunks(g.id()))) {
                    b.delete(meta.cf(Family.COUNTERS), k);
                }
                meta.write(b, true);
            } catch (RocksDBException e) {
                throw new EngineException(Reason.IO_ERROR, "delete of storage group '" + name + "' failed", e);
            }
            groups.remove(g.id());
            g.store.close();
            deleteTree(g.store.dir());
        }
    }

    private static void deleteTree(Path dir) {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "could not remove " + dir, e);
        }
    }

    @Override
    public void unlockGroup(String name, char[] passphrase) {
        GroupState g = groupState(name);
        if (!g.encrypted()) throw new EngineException(Reason.INVALID_ARGUMENT, "storage group '" + name + "' is not encrypted");
        GroupKeys keys = GroupKeys.decode(KeyWrap.unwrap(g.record.wrappedKey(), passphrase, name), g.keyedIds(), name);
        g.unlock(keys);
        keys.wipe();
    }

    /**
     * Both hashings (PBKDF2, about a second together) run outside the namespace lock, which every group and
     * container change of the server waits for; under it the change only checks that the blob it unwrapped
     * is still the group's, and swaps. A blob replaced meanwhile (another passphrase change) makes this one
     * fail as BUSY rather than put back the key under a passphrase the other change replaced.
     */
    @Override
    public void changePassphrase(String name, char[] oldPassphrase, char[] newPassphrase) {
        GroupState g = groupState(name);
        if (!g.encrypted()) throw new EngineException(Reason.INVALID_ARGUMENT, "storage group '" + name + "' is not encrypted");
        byte[] unwrapped = g.record.wrappedKey();
        byte[] key = KeyWrap.unwrap(unwrapped, oldPassphrase, name);
        GroupKeys keys = null;
        try {
            // checked before re-wrapping: a blob that does not fit the group's id scheme stays as it is
            keys = GroupKeys.decode(key, g.keyedIds(), name);
            pausePoints.inKeyDerivation.run();
            byte[] wrapped = KeyWrap.wrap(key, newPassphrase);
            synchronized (namespaceLock) {
                checkOpen();
                if (groups.get(g.id()) != g) {
                    throw new EngineException(Reason.NOT_FOUND, "storage group '" + name
                            + "' was deleted while its passphrase was being changed");
                }
                if (!java.util.Arrays.equals(g.record.wrappedKey(), unwrapped)) {
                    throw new EngineException(Reason.BUSY, "the passphrase of storage group '" + name + "' was changed by"
                            + " another request while this change derived its keys; nothing was changed by this one:"
                            + " try again with the group's current passphrase");
                }
                // the record as it is now: a quota or compression changed meanwhile stays
                GroupRecord r = g.record.with(g.record.compression(), g.record.quotaBytes(), wrapped);
                meta.put(Family.GROUPS, Keys.id(r.id()), r.encode(), true);
                g.record = r;
                g.unlock(keys);
            }
            // the keys wrapped under the old passphrase must not stay readable in older metadata files;
            // the keys themselves do not change (a new data key would mean re-encrypting everything
            // stored, a new id or chunker key would end dedup against it)
            meta.purgeOldValues(Family.GROUPS);
        } finally {
            if (keys != null) keys.wipe();
            java.util.Arrays.fill(key, (byte) 0);
        }
    }

    // ---- containers

    ContainerInfo containerInfo(ContainerRecord r) {
        GroupState g = groups.get(r.groupId());
        return new ContainerInfo(r.id(), r.name(), g == null ? "?" : g.name(), r.protocol(), r.properties(),
                Instant.ofEpochMilli(r.createdMillis()));
    }

    List<ContainerRecord> containerRecords() {
        List<ContainerRecord> out = new ArrayList<>();
        try (Scanner sc = meta.scan(Family.CONTAINERS, new byte[0])) {
            while (sc.next()) out.add(ContainerRecord.decode(sc.value()));
        }
        return out;
    }

    ContainerRecord containerRecord(String name) {
        checkOpen();
        Names.check("container", name);
        ContainerRecord r = containersByName.get(name);
        if (r == null) throw new EngineException(Reason.NOT_FOUND, "no container '" + name + "'");
        return r;
    }

    @Override
    public ContainerInfo createContainer(String groupName, ContainerSpec spec) {
        synchronized (namespaceLock) {
            GroupState g = groupState(groupName);
            if (containersByName.containsKey(spec.name())) {
                throw new EngineException(Reason.ALREADY_EXISTS, "container '" + spec.name() + "' already exists");
            }
            ContainerRecord r = new ContainerRecord(ids.next(), g.id(), spec.name(), spec.protocol(), spec.properties(),
                    clock.millis());
            meta.put(Family.CONTAINERS, Keys.id(r.id()), r.encode(), true);
            containersByName.put(r.name(), r);
            return containerInfo(r);
        }
    }

    @Override
    public List<ContainerInfo> listContainers(String groupName) {
        checkOpen();
        Long gid = groupName == null ? null : groupState(groupName).id();
        return containerRecords().stream().filter(r -> gid == null || r.groupId() == gid).map(this::containerInfo)
                .sorted(Comparator.comparing(ContainerInfo::name)).toList();
    }

    @Override
    public ContainerInfo container(String name) {
        return containerInfo(containerRecord(name));
    }

    @Override
    public ContainerInfo updateContainer(String name, java.util.function.UnaryOperator<Map<String, String>> change) {
        synchronized (namespaceLock) {
            ContainerRecord old = containerRecord(name);
            Map<String, String> properties = change.apply(Map.copyOf(old.properties()));
            ContainerRecord r = old.withProperties(properties == null ? Map.of() : properties);
            meta.put(Family.CONTAINERS, Keys.id(r.id()), r.encode(), true);
            containersByName.put(r.name(), r);
            return containerInfo(r);
        }
    }

    @Override
    public void deleteContainer(String name) {
        synchronized (namespaceLock) {
            ContainerRecord r = containerRecord(name);
            LocalContainerHandle h = new LocalContainerHandle(this, r, groupState(r.groupId()));
            // Entries go first, in bounded batches; the container record last, so a crash midway leaves
            // a smaller container, never entries without a container.
            while (h.deletePage(1000) > 0) {
                // next page
            }
            try (WriteBatch b = meta.batch()) {
                b.delete(meta.cf(Family.CONTAINERS), Keys.id(r.id()));
                b.delete(meta.cf(Family.COUNTERS), GroupCounters.containerLogical(r.id()));
                meta.write(b, true);
            } catch (RocksDBException e) {
                throw new EngineException(Reason.IO_ERROR, "delete of container '" + name + "' failed", e);
            }
            traffic.remove(r.id());
            containersByName.remove(r.name());
        }
    }

    @Override
    public ContainerHandle openContainer(String name) {
        ContainerRecord r = containerRecord(name);
        return new LocalContainerHandle(this, r, groupState(r.groupId()));
    }

    // ---- stats

    Stats containerStats(ContainerRecord r) {
        Traffic t = traffic(r.id());
        return new Stats(meta.counter(GroupCounters.containerLogical(r.id())),
                meta.counter(GroupCounters.containerUnique(r.id())), meta.counter(GroupCounters.containerStored(r.id())),
                meta.counter(GroupCounters.containerChunks(r.id())), t.written.sum(), t.read.sum());
    }

    private Stats groupStats(GroupState g) {
        long logical = 0;
        long written = 0;
        long read = 0;
        for (ContainerRecord r : containerRecords()) {
            if (r.groupId() != g.id()) continue;
            logical += meta.counter(GroupCounters.containerLogical(r.id()));
            Traffic t = traffic(r.id());
            written += t.written.sum();
            read += t.read.sum();
        }
        return new Stats(logical, g.uniqueBytes.get(), g.storedBytes.get(), g.chunkCount.get(), written, read);
    }

    @Override
    public Stats stats() {
        checkOpen();
        long[] s = new long[6];
        for (GroupState g : groups.values()) {
            Stats x = groupStats(g);
            s[0] += x.logicalBytes();
            s[1] += x.uniqueBytes();
            s[2] += x.storedBytes();
            s[3] += x.chunkCount();
            s[4] += x.bytesWritten();
            s[5] += x.bytesRead();
        }
        return new Stats(s[0], s[1], s[2], s[3], s[4], s[5]);
    }

    @Override
    public Stats groupStats(String name) {
        return groupStats(groupState(name));
    }

    @Override
    public Stats containerStats(String name) {
        return containerStats(containerRecord(name));
    }

    // ---- maintenance

    @Override
    public CleanReport clean(CleanMode mode, Progress progress) {
        checkOpen();
        if (mode == null) throw new EngineException(Reason.INVALID_ARGUMENT, "clean mode is null: pass THRESHOLD or FULL");
        if (!cleanLock.tryLock()) throw new EngineException(Reason.BUSY, "a clean is already running");
        try {
            volumes.flushAll(e -> LOG.log(Level.WARNING, "flush before clean failed", e));
            return new Cleaner(this, mode).run(progress == null ? Progress.NONE : progress);
        } finally {
            cleanLock.unlock();
        }
    }

    @Override
    public VerifyReport verify(Progress progress) {
        checkOpen();
        if (!verifyLock.tryLock()) throw new EngineException(Reason.BUSY, "a verify is already running");
        try {
            return new Verifier(this).run(progress == null ? Progress.NONE : progress);
        } finally {
            verifyLock.unlock();
        }
    }

    @Override
    public long freeBytes() {
        return dedup.freeBytes();
    }

    @Override
    public long minFreeBytes() {
        return DedupStore.minFree(config.containerSize()); // every group's containers are of this size
    }

    @Override
    public void checkHealth() {
        if (closed) throw new EngineException(Reason.CLOSED, "the engine is closed");
        meta.checkHealth();
    }

    @Override
    public void close() {
        if (closed) return;
        scheduler.shutdownNow();
        volumes.closeAll();
        closed = true;
        for (GroupState g : groups.values()) g.store.close();
        // not shutdownNow: a dropped task would never complete the future its writer waits on; what is
        // queued runs, fails fast on the closed stores, and fails its writer
        workers.shutdown();
        stageExecutor.shutdown();
        meta.close();
    }
}
