package dev.cistern.engine.core;

import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.meta.Keys;
import dev.cistern.engine.store.ChunkLocation;
import java.nio.ByteBuffer;

/**
 * One chunk record of a chunk container as listed in the CONTAINER_CHUNKS family:
 * key group id | container id | offset, value fingerprint | payload length | raw length | owner container id.
 * The owner is the user container that first wrote the chunk, for its "stored" statistics.
 */
record ContainerChunk(long groupId, ChunkLocation location, Fingerprint fingerprint, long ownerContainerId) {

    byte[] key() {
        return Keys.id3(groupId, location.containerId(), location.offset());
    }

    byte[] value() {
        return ByteBuffer.allocate(32 + 4 + 4 + 8).put(fingerprint.bytes()).putInt(location.payloadLength())
                .putInt(location.rawLength()).putLong(ownerContainerId).array();
    }

    static ContainerChunk decode(byte[] key, byte[] value) {
        ByteBuffer k = ByteBuffer.wrap(key);
        long group = k.getLong();
        long container = k.getLong();
        int offset = k.getInt();
        ByteBuffer v = ByteBuffer.wrap(value);
        byte[] fp = new byte[32];
        v.get(fp);
        int payload = v.getInt();
        int raw = v.getInt();
        return new ContainerChunk(group, new ChunkLocation(container, offset, payload, raw), Fingerprint.wrap(fp),
                v.getLong());
    }
}
