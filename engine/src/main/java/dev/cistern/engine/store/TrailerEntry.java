package dev.cistern.engine.store;

import dev.cistern.engine.chunking.Fingerprint;

/** One chunk as listed in a container's trailer or found by scanning its records. */
public record TrailerEntry(Fingerprint fingerprint, int offset, int payloadLength, int rawLength) {
    public ChunkLocation location(long containerId) {
        return new ChunkLocation(containerId, offset, payloadLength, rawLength);
    }
}
