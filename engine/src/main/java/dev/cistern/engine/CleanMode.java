package dev.cistern.engine;

/**
 * Which sealed chunk containers a clean rewrites. Either way a container with no live record is deleted,
 * and a rewrite copies the live records verbatim into a fresh container: the cost of a clean is the live
 * bytes it copies, so the threshold keeps a container that is mostly live from being copied for little gain.
 */
public enum CleanMode {
    /** Rewrite a container when at least a quarter of its bytes is dead: the scheduled clean's mode. */
    THRESHOLD,
    /**
     * Rewrite every container holding any dead record, to get back every reclaimable byte (after a big delete,
     * before a capacity report). Copies the live data of all those containers, which can be most of the store.
     */
    FULL
}
