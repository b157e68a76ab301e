package dev.cistern.engine;

import java.time.Instant;

/**
 * A storage group as it stands. {@code locked} is true for an encrypted group not yet unlocked; {@code chunkIds}
 * is how its chunks are named (fixed at creation).
 */
public record StorageGroupInfo(long id, String name, Compression compression, long quotaBytes, ChunkingSpec chunking,
                               boolean encrypted, boolean locked, ChunkIdScheme chunkIds, Instant createdAt) {
}
