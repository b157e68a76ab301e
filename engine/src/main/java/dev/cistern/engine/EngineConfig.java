package dev.cistern.engine;

import java.nio.file.Path;
import java.time.Clock;

/**
 * How to open an engine.
 *
 * @param dataDir           where metadata and chunk containers live
 * @param containerSize     target size of a chunk container file before it is sealed
 * @param autoFlushBytes    unflushed bytes a writer may hold before the engine makes them durable itself
 * @param volumeUnit        allocation unit of block volumes (power of two, 4-64 KiB)
 * @param ingestThreads     threads hashing and compressing chunks in parallel
 * @param clock             time source for timestamps and schedules
 * @param localityContainers chunk containers whose fingerprints each storage group keeps in memory (the
 *                          locality cache), 256 by default: a cached chunk costs about 1 KB of heap, and a
 *                          4 MiB container holds 500-1,000 of them
 */
public record EngineConfig(Path dataDir, int containerSize, long autoFlushBytes, int volumeUnit, int ingestThreads,
                           Clock clock, int localityContainers) {
    public EngineConfig {
        if (dataDir == null) throw new IllegalArgumentException("dataDir");
        if (containerSize < 64 * 1024) throw new IllegalArgumentException("containerSize < 64 KiB");
        if (Integer.bitCount(volumeUnit) != 1 || volumeUnit < 4096 || volumeUnit > 65536)
            throw new IllegalArgumentException("volumeUnit must be a power of two between 4 and 64 KiB");
        if (ingestThreads < 1) ingestThreads = 1;
        if (clock == null) clock = Clock.systemUTC();
        if (localityContainers < 1) throw new IllegalArgumentException("localityContainers < 1");
    }

    public EngineConfig(Path dataDir, int containerSize, long autoFlushBytes, int volumeUnit, int ingestThreads,
                        Clock clock) {
        this(dataDir, containerSize, autoFlushBytes, volumeUnit, ingestThreads, clock, DEFAULT_LOCALITY_CONTAINERS);
    }

    public static final int DEFAULT_LOCALITY_CONTAINERS = 256;

    public static EngineConfig defaults(Path dataDir) {
        return new EngineConfig(dataDir, 4 * 1024 * 1024, 64L * 1024 * 1024, 16 * 1024,
                Runtime.getRuntime().availableProcessors(), Clock.systemUTC());
    }

    public EngineConfig withContainerSize(int bytes) {
        return new EngineConfig(dataDir, bytes, autoFlushBytes, volumeUnit, ingestThreads, clock, localityContainers);
    }

    public EngineConfig withClock(Clock c) {
        return new EngineConfig(dataDir, containerSize, autoFlushBytes, volumeUnit, ingestThreads, c, localityContainers);
    }

    public EngineConfig withLocalityContainers(int containers) {
        return new EngineConfig(dataDir, containerSize, autoFlushBytes, volumeUnit, ingestThreads, clock, containers);
    }
}
