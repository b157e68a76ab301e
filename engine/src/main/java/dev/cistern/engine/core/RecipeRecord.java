package dev.cistern.engine.core;

import dev.cistern.engine.chunking.Fingerprint;

/**
 * One step of a stream's recipe: the chunk holding bytes [offset, offset+length) of the entry. Stored
 * in segments of consecutive steps, see {@link Recipe}.
 */
record RecipeRecord(long offset, Fingerprint fingerprint, int length) {

    long end() {
        return offset + length;
    }
}
