package dev.cistern.server;

import dev.cistern.engine.CleanMode;
import dev.cistern.engine.CleanReport;
import dev.cistern.engine.Compression;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.Progress;
import dev.cistern.engine.Stats;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.engine.VerifyReport;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

import static dev.cistern.engine.EngineException.Reason.*;

/**
 * An in-memory engine for tests that must steer the engine: hold a clean running, fail a verify, die under
 * the watcher. It keeps groups and containers with the engine's contract (uniqueness, NOT_EMPTY,
 * passphrases) and has no data path. REST and CLI tests use the real engine.
 */
public class FakeEngine implements Engine {
    private final Map<String, StorageGroupInfo> groups = new TreeMap<>();
    private final Map<String, char[]> passphrases = new TreeMap<>();
    private final Map<String, ContainerInfo> containers = new TreeMap<>();
    private long ids;
    /** Counted down to let a running clean finish (or stop, if cancelled); tests use it to hold a job in RUNNING. */
    public volatile CountDownLatch cleanGate = new CountDownLatch(0);
    public volatile boolean closed;
    /** The mode of each clean asked for, in order. */
    public final List<CleanMode> cleanModes = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public synchronized StorageGroupInfo createGroup(StorageGroupSpec s) {
        if (groups.containsKey(s.name())) throw new EngineException(ALREADY_EXISTS, "storage group '" + s.name() + "' already exists");
        StorageGroupInfo g = new StorageGroupInfo(++ids, s.name(), s.compression(), s.quotaBytes(), s.chunking(),
                s.passphrase() != null, false,
                s.passphrase() != null ? dev.cistern.engine.ChunkIdScheme.KEYED_HMAC_SHA256 : dev.cistern.engine.ChunkIdScheme.SHA256,
                Instant.now());
        groups.put(s.name(), g);
        if (s.passphrase() != null) passphrases.put(s.name(), s.passphrase().clone());
        return g;
    }

    @Override
    public synchronized List<StorageGroupInfo> listGroups() {
        return List.copyOf(groups.values());
    }

    @Override
    public synchronized StorageGroupInfo group(String name) {
        StorageGroupInfo g = groups.get(name);
        if (g == null) throw new EngineException(NOT_FOUND, "storage group '" + name + "' not found");
        return g;
    }

    @Override
    public synchronized StorageGroupInfo updateGroup(String name, Compression c, Long quota) {
        StorageGroupInfo g = group(name);
        StorageGroupInfo n = new StorageGroupInfo(g.id(), name, c == null ? g.compression() : c,
                quota == null ? g.quotaBytes() : quota, g.chunking(), g.encrypted(), g.locked(), g.chunkIds(), g.createdAt());
        groups.put(name, n);
        return n;
    }

    @Override
    public synchronized void deleteGroup(String name) {
        group(name);
        if (containers.values().stream().anyMatch(c -> c.groupName().equals(name))) {
            throw new EngineException(NOT_EMPTY, "storage group '" + name + "' still holds containers");
        }
        groups.remove(name);
    }

    @Override
    public synchronized void unlockGroup(String name, char[] passphrase) {
        StorageGroupInfo g = group(name);
        if (!g.encrypted()) throw new EngineException(INVALID_ARGUMENT, "storage group '" + name + "' is not encrypted");
        if (!Arrays.equals(passphrases.get(name), passphrase)) throw new EngineException(ACCESS_DENIED, "wrong passphrase for '" + name + "'");
        groups.put(name, withLocked(g, false));
    }

    /** Set to make {@link #checkHealth} fail, as a metadata store stopped by a background error would. */
    public volatile EngineException broken;

    @Override
    public void checkHealth() {
        if (closed) throw new EngineException(EngineException.Reason.CLOSED, "the engine is closed");
        if (broken != null) throw broken;
    }

    /** As after a restart: every encrypted group is locked until unlocked. */
    public synchronized void lockEncryptedGroups() {
        groups.replaceAll((n, g) -> g.encrypted() ? withLocked(g, true) : g);
    }

    private static StorageGroupInfo withLocked(StorageGroupInfo g, boolean locked) {
        return new StorageGroupInfo(g.id(), g.name(), g.compression(), g.quotaBytes(), g.chunking(), g.encrypted(), locked,
                g.chunkIds(), g.createdAt());
    }

    @Override
    public synchronized void changePassphrase(String name, char[] oldP, char[] newP) {
        unlockGroup(name, oldP);
        passphrases.put(name, newP.clone());
    }

    @Override
    public synchronized ContainerInfo createContainer(String groupName, ContainerSpec spec) {
        group(groupName);
        if (containers.containsKey(spec.name())) throw new EngineException(ALREADY_EXISTS, "container '" + spec.name() + "' already exists");
        ContainerInfo c = new ContainerInfo(++ids, spec.name(), groupName, spec.protocol(), spec.properties(), Instant.now());
        containers.put(spec.name(), c);
        return c;
    }

    @Override
    public synchronized List<ContainerInfo> listContainers(String groupName) {
        return containers.values().stream().filter(c -> groupName == null || c.groupName().equals(groupName)).toList();
    }

    @Override
    public synchronized ContainerInfo container(String name) {
        ContainerInfo c = containers.get(name);
        if (c == null) throw new EngineException(NOT_FOUND, "container '" + name + "' not found");
        return c;
    }

    @Override
    public synchronized ContainerInfo updateContainer(String name, java.util.function.UnaryOperator<Map<String, String>> change) {
        ContainerInfo c = container(name);
        ContainerInfo n = new ContainerInfo(c.id(), name, c.groupName(), c.protocol(), Map.copyOf(change.apply(c.properties())), c.createdAt());
        containers.put(name, n);
        return n;
    }

    @Override
    public synchronized void deleteContainer(String name) {
        container(name);
        containers.remove(name);
    }

    @Override
    public ContainerHandle openContainer(String name) {
        throw new UnsupportedOperationException("the fake engine has no data path");
    }

    @Override
    public Stats stats() {
        return new Stats(1000, 500, 250, 10, 1000, 0);
    }

    @Override
    public Stats groupStats(String name) {
        group(name);
        return stats();
    }

    @Override
    public Stats containerStats(String name) {
        container(name);
        return stats();
    }

    @Override
    public CleanReport clean(CleanMode mode, Progress progress) {
        cleanModes.add(mode);
        progress.update(1, 2, "mark");
        try {
            cleanGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (progress.cancelled()) {
            throw new EngineException(CANCELLED, "clean cancelled after 1 of 2 chunk containers; 0 bytes reclaimed so far"
                    + " stay reclaimed, the rest is untouched: run clean again to finish");
        }
        progress.update(2, 2, "sweep");
        return new CleanReport(1, 0, 0, 0, 0, 0, 0, Duration.ofMillis(5));
    }

    @Override
    public VerifyReport verify(Progress progress) {
        progress.update(1, 1, "check");
        return new VerifyReport(1, 1, 1, 0, List.of(), List.of(), 0, Duration.ofMillis(5));
    }

    @Override
    public long freeBytes() {
        return 100L << 30;
    }

    /** What the test sets; 0 by default (never refuses for space). */
    public volatile long minFreeBytes;

    @Override
    public long minFreeBytes() {
        return minFreeBytes;
    }

    @Override
    public void close() {
        closed = true;
    }
}
