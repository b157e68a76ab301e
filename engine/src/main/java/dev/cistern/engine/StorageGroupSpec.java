package dev.cistern.engine;

/**
 * What an admin asks for when creating a storage group.
 *
 * @param quotaBytes limit on stored (post-dedup, post-compression) bytes; 0 means unlimited
 * @param passphrase non-null to encrypt the group at rest (AES-256-GCM); not kept after creation
 */
public record StorageGroupSpec(String name, Compression compression, long quotaBytes, ChunkingSpec chunking,
                               char[] passphrase) {
    public StorageGroupSpec {
        Names.check("storage group", name);
        if (compression == null) compression = Compression.FAST;
        if (chunking == null) chunking = ChunkingSpec.DEFAULT;
        if (quotaBytes < 0) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "quota of storage group '" + name + "' must be >= 0 (0 = unlimited), got " + quotaBytes);
        }
    }

    public static StorageGroupSpec of(String name) {
        return new StorageGroupSpec(name, Compression.FAST, 0, ChunkingSpec.DEFAULT, null);
    }
}
