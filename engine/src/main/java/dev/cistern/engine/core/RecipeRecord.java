package dev.cistern.engine.core;

import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.Keys;
import java.nio.ByteBuffer;

/**
 * One step of a stream's recipe: the chunk holding bytes [offset, offset+length) of the entry.
 * Key entry id | offset (big-endian, so records sort by offset and a read seeks straight to its
 * range: a huge entry never needs its whole recipe in memory); value fingerprint | length.
 */
record RecipeRecord(long offset, Fingerprint fingerprint, int length) {

    long end() {
        return offset + length;
    }

    static byte[] key(long entryId, long offset) {
        return Keys.id2(entryId, offset);
    }

    byte[] value() {
        return ByteBuffer.allocate(36).put(fingerprint.bytes()).putInt(length).array();
    }

    static RecipeRecord decode(byte[] key, byte[] value) {
        return new RecipeRecord(Keys.longAt(key, 8), Fingerprint.read(value, 0), Keys.intAt(value, 32));
    }
}
