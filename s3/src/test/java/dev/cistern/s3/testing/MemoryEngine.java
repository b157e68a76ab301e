package dev.cistern.s3.testing;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.CleanReport;
import dev.cistern.engine.Compression;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EngineException.Reason;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.Progress;
import dev.cistern.engine.Stats;
import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.engine.StreamWriter;
import dev.cistern.engine.VerifyReport;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory engine for socket-level tests of the S3 front end that do not need dedup or
 * durability: streams only (no volumes), the same visibility rules as the real engine (a created
 * stream appears only at commit; close without commit aborts).
 */
public final class MemoryEngine implements Engine {
    private final Map<String, StorageGroupInfo> groups = new ConcurrentHashMap<>();
    private final Map<String, ContainerInfo> containers = new ConcurrentHashMap<>();
    private final Map<String, MemoryContainer> handles = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    record Entry(byte[] data, Map<String, String> attrs, Instant modified) {
        EntryInfo info(String name) {
            return new EntryInfo(name, EntryInfo.Kind.STREAM, data.length, 0, modified, attrs);
        }
    }

    @Override
    public StorageGroupInfo createGroup(StorageGroupSpec spec) {
        StorageGroupInfo g = new StorageGroupInfo(ids.incrementAndGet(), spec.name(), spec.compression(), spec.quotaBytes(),
                spec.chunking(), false, false, Instant.now());
        if (groups.putIfAbsent(spec.name(), g) != null) throw new EngineException(Reason.ALREADY_EXISTS, "group " + spec.name());
        return g;
    }

    @Override
    public List<StorageGroupInfo> listGroups() {
        return new ArrayList<>(groups.values());
    }

    @Override
    public StorageGroupInfo group(String name) {
        StorageGroupInfo g = groups.get(name);
        if (g == null) throw new EngineException(Reason.NOT_FOUND, "group " + name);
        return g;
    }

    @Override
    public StorageGroupInfo updateGroup(String name, Compression compression, Long quotaBytes) {
        StorageGroupInfo g = group(name);
        StorageGroupInfo n = new StorageGroupInfo(g.id(), name, compression == null ? g.compression() : compression,
                quotaBytes == null ? g.quotaBytes() : quotaBytes, g.chunking(), false, false, g.createdAt());
        groups.put(name, n);
        return n;
    }

    @Override
    public void deleteGroup(String name) {
        groups.remove(name);
    }

    @Override
    public void unlockGroup(String name, char[] passphrase) {
        throw new EngineException(Reason.INVALID_ARGUMENT, "memory engine has no encryption");
    }

    @Override
    public void changePassphrase(String name, char[] o, char[] n) {
        throw new EngineException(Reason.INVALID_ARGUMENT, "memory engine has no encryption");
    }

    @Override
    public synchronized ContainerInfo createContainer(String groupName, ContainerSpec spec) {
        group(groupName);
        if (containers.containsKey(spec.name())) throw new EngineException(Reason.ALREADY_EXISTS, "container " + spec.name());
        ContainerInfo c = new ContainerInfo(ids.incrementAndGet(), spec.name(), groupName, spec.protocol(), spec.properties(),
                Instant.now());
        containers.put(spec.name(), c);
        handles.put(spec.name(), new MemoryContainer(this, spec.name()));
        return c;
    }

    @Override
    public List<ContainerInfo> listContainers(String groupName) {
        return containers.values().stream().filter(c -> groupName == null || c.groupName().equals(groupName)).toList();
    }

    @Override
    public ContainerInfo container(String name) {
        ContainerInfo c = containers.get(name);
        if (c == null) throw new EngineException(Reason.NOT_FOUND, "container " + name);
        return c;
    }

    @Override
    public synchronized ContainerInfo updateContainer(String name, Map<String, String> properties) {
        ContainerInfo c = container(name);
        ContainerInfo n = new ContainerInfo(c.id(), name, c.groupName(), c.protocol(), Map.copyOf(properties), c.createdAt());
        containers.put(name, n);
        return n;
    }

    @Override
    public void deleteContainer(String name) {
        container(name);
        containers.remove(name);
        handles.remove(name);
    }

    @Override
    public ContainerHandle openContainer(String name) {
        container(name);
        return handles.get(name);
    }

    @Override
    public Stats stats() {
        return Stats.EMPTY;
    }

    @Override
    public Stats groupStats(String name) {
        long logical = 0;
        for (ContainerInfo c : listContainers(name)) logical += containerStats(c.name()).logicalBytes();
        return new Stats(logical, logical, logical, 0, 0, 0);
    }

    @Override
    public Stats containerStats(String name) {
        long logical = handles.get(name).entries.values().stream().mapToLong(e -> e.data.length).sum();
        return new Stats(logical, logical, logical, 0, 0, 0);
    }

    @Override
    public CleanReport clean(Progress progress) {
        return new CleanReport(0, 0, 0, 0, 0, 0, java.time.Duration.ZERO);
    }

    @Override
    public VerifyReport verify(Progress progress) {
        return new VerifyReport(0, 0, 0, 0, List.of(), List.of(), java.time.Duration.ZERO);
    }

    @Override
    public long freeBytes() {
        return 1L << 40;
    }

    @Override
    public void close() {
    }

    static final class MemoryContainer implements ContainerHandle {
        final ConcurrentSkipListMap<String, Entry> entries = new ConcurrentSkipListMap<>();
        private final MemoryEngine engine;
        private final String name;

        MemoryContainer(MemoryEngine engine, String name) {
            this.engine = engine;
            this.name = name;
        }

        @Override
        public ContainerInfo info() {
            return engine.container(name);
        }

        @Override
        public StreamWriter create(String entry) {
            return new Writer(entry);
        }

        @Override
        public StreamWriter append(String entry) {
            throw new EngineException(Reason.INVALID_ARGUMENT, "memory engine: append not supported");
        }

        @Override
        public FileEntry openFile(String entry) {
            Entry e = entries.get(entry);
            if (e == null) throw new EngineException(Reason.NOT_FOUND, "entry " + entry);
            return new ReadOnlyFile(entry, e);
        }

        @Override
        public FileEntry openOrCreateFile(String entry) {
            return openFile(entry);
        }

        @Override
        public BlockVolume createVolume(String n, long s, int b, boolean r) {
            throw new EngineException(Reason.INVALID_ARGUMENT, "memory engine: no volumes");
        }

        @Override
        public BlockVolume openVolume(String n) {
            throw new EngineException(Reason.NOT_FOUND, "memory engine: no volumes");
        }

        @Override
        public Optional<EntryInfo> stat(String entry) {
            Entry e = entries.get(entry);
            return e == null ? Optional.empty() : Optional.of(e.info(entry));
        }

        @Override
        public List<EntryInfo> list(String prefix, String startAfter, int limit) {
            List<EntryInfo> out = new ArrayList<>();
            var tail = startAfter == null || startAfter.compareTo(prefix) < 0 ? entries.tailMap(prefix, true)
                    : entries.tailMap(startAfter, false);
            for (var e : tail.entrySet()) {
                if (!e.getKey().startsWith(prefix) || out.size() >= limit) break;
                out.add(e.getValue().info(e.getKey()));
            }
            return out;
        }

        @Override
        public void setAttributes(String entry, Map<String, String> attributes) {
            entries.compute(entry, (k, e) -> {
                if (e == null) throw new EngineException(Reason.NOT_FOUND, "entry " + entry);
                return new Entry(e.data, Map.copyOf(attributes), e.modified);
            });
        }

        @Override
        public void copy(String from, String to) {
            Entry e = entries.get(from);
            if (e == null) throw new EngineException(Reason.NOT_FOUND, "entry " + from);
            entries.put(to, e);
        }

        @Override
        public synchronized void rename(String from, String to) {
            Entry e = entries.remove(from);
            if (e == null) throw new EngineException(Reason.NOT_FOUND, "entry " + from);
            entries.put(to, e);
        }

        @Override
        public void delete(String entry) {
            if (entries.remove(entry) == null) throw new EngineException(Reason.NOT_FOUND, "entry " + entry);
        }

        @Override
        public Stats stats() {
            return engine.containerStats(name);
        }

        private final class Writer implements StreamWriter {
            private final String entry;
            private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
            private boolean finished;

            Writer(String entry) {
                this.entry = entry;
            }

            @Override
            public void write(ByteBuffer src) {
                if (finished) throw new EngineException(Reason.CLOSED, "writer of " + entry + " is finished");
                byte[] b = new byte[src.remaining()];
                src.get(b);
                buf.writeBytes(b);
            }

            @Override
            public long position() {
                return buf.size();
            }

            @Override
            public void flush() {
            }

            @Override
            public EntryInfo commit(Map<String, String> attributes) {
                if (finished) throw new EngineException(Reason.CLOSED, "writer of " + entry + " is finished");
                finished = true;
                Entry e = new Entry(buf.toByteArray(), Map.copyOf(attributes), Instant.now());
                entries.put(entry, e);
                return e.info(entry);
            }

            @Override
            public void abort() {
                finished = true;
            }

            @Override
            public void close() {
                finished = true;
            }
        }
    }

    private record ReadOnlyFile(String name, Entry e) implements FileEntry {
        @Override
        public long size() {
            return e.data.length;
        }

        @Override
        public int read(long offset, ByteBuffer dst) {
            if (offset >= e.data.length) return -1;
            int n = (int) Math.min(dst.remaining(), e.data.length - offset);
            dst.put(e.data, (int) offset, n);
            return n;
        }

        @Override
        public void write(long offset, ByteBuffer src) {
            throw new EngineException(Reason.READ_ONLY, "memory engine files are read-only");
        }

        @Override
        public void truncate(long size) {
            throw new EngineException(Reason.READ_ONLY, "memory engine files are read-only");
        }

        @Override
        public void flush() {
        }

        @Override
        public EntryInfo info() {
            return e.info(name);
        }

        @Override
        public void close() {
        }
    }
}
