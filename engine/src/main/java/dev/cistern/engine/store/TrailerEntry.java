package dev.cistern.engine.store;

import dev.cistern.engine.chunking.Fingerprint;

/**
 * One chunk as listed in a container's trailer or found by scanning its records: the record's offset
 * and payload length, and the chunk's raw length and offset in the record's raw data.
 */
public record TrailerEntry(Fingerprint fingerprint, int offset, int payloadLength, int rawLength, int rawOffset) {
}
