package dev.cistern.engine.core;

import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.store.ChunkLocation;
import java.nio.ByteBuffer;

/**
 * One chunk of a chunk container as listed in the CONTAINER_CHUNKS family, in container order:
 * key group id | container id | record offset | offset in the record's raw data,
 * value fingerprint | payload length | raw length | stored length | owner container id.
 * The owner is the user container that first wrote the chunk, for its "stored" statistics.
 */
record ContainerChunk(long groupId, ChunkLocation location, Fingerprint fingerprint, long ownerContainerId) {

    byte[] key() {
        return Keys.id4(groupId, location.containerId(), location.offset(), location.rawOffset());
    }

    byte[] value() {
        return ByteBuffer.allocate(32 + 4 + 4 + 4 + 8).put(fingerprint.bytes()).putInt(location.payloadLength())
                .putInt(location.rawLength()).putInt(location.storedLength()).putLong(ownerContainerId).array();
    }

    static ContainerChunk decode(byte[] key, byte[] value) {
        ByteBuffer k = ByteBuffer.wrap(key);
        long group = k.getLong();
        long container = k.getLong();
        int offset = k.getInt();
        int rawOffset = k.getInt();
        ByteBuffer v = ByteBuffer.wrap(value);
        byte[] fp = new byte[32];
        v.get(fp);
        int payload = v.getInt();
        int raw = v.getInt();
        int stored = v.getInt();
        return new ContainerChunk(group, new ChunkLocation(container, offset, payload, raw, rawOffset, stored),
                Fingerprint.wrap(fp), v.getLong());
    }
}
