package dev.cistern.engine.core;

import dev.cistern.engine.meta.MetaStore.Family;

/**
 * Where the fingerprints of a record that references chunks sit: a recipe segment (RECIPES) holds one
 * per step, a block map record (BLOCKS) is one unit's fingerprint. For the cleaner's mark and verify,
 * which read both families the same way.
 */
final class ChunkReferences {
    private ChunkReferences() {
    }

    /** How many chunks the record's {@code value} references. */
    static int count(Family f, byte[] value) {
        return f == Family.RECIPES ? Recipe.steps(value) : 1;
    }

    /** Where the fingerprint of reference {@code i} starts in the record's value. */
    static int fingerprintOffset(Family f, int i) {
        return f == Family.RECIPES ? i * Recipe.STEP_BYTES : 0;
    }
}
