package dev.cistern.engine.core;

import dev.cistern.engine.meta.Keys;
import java.nio.ByteBuffer;

/** State of one chunk container file in CHUNK_CONTAINERS: key group id | container id, value state | size. */
record ChunkContainerState(long groupId, long containerId, boolean sealed, long size) {
    byte[] key() {
        return Keys.id2(groupId, containerId);
    }

    byte[] value() {
        return ByteBuffer.allocate(9).put((byte) (sealed ? 1 : 0)).putLong(size).array();
    }

    static ChunkContainerState decode(byte[] key, byte[] value) {
        ByteBuffer v = ByteBuffer.wrap(value);
        return new ChunkContainerState(Keys.longAt(key, 0), Keys.longAt(key, 8), v.get() == 1, v.getLong());
    }
}
