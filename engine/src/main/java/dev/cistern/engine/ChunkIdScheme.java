package dev.cistern.engine;

/**
 * How a storage group names its chunks, fixed when the group is created: what dedup compares, and what
 * someone holding the disks can learn from the ids stored in clear.
 */
public enum ChunkIdScheme {
    /** SHA-256 of the chunk: unencrypted groups, and encrypted ones created before keyed ids. */
    SHA256("sha256"),
    /**
     * HMAC-SHA256 under a key of the group's, with chunk boundaries from a key of its own too: encrypted groups
     * created since keyed ids, whose ids tell nothing about whether a known file is stored.
     */
    KEYED_HMAC_SHA256("keyed-hmac-sha256");

    private final String wireName;

    ChunkIdScheme(String wireName) {
        this.wireName = wireName;
    }

    /** The name the REST API, the CLI and the UI show. */
    public String wireName() {
        return wireName;
    }
}
