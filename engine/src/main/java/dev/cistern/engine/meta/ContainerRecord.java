package dev.cistern.engine.meta;

import java.util.Map;

/** A user-facing container as persisted. */
public record ContainerRecord(long id, long groupId, String name, String protocol, Map<String, String> properties,
                              long createdMillis) {
    private static final int VERSION = 1;

    public byte[] encode() {
        return RecordCodec.encode(out -> {
            out.writeByte(VERSION);
            out.writeLong(id);
            out.writeLong(groupId);
            out.writeUTF(name);
            out.writeUTF(protocol);
            RecordCodec.writeMap(out, properties);
            out.writeLong(createdMillis);
        });
    }

    public static ContainerRecord decode(byte[] b) {
        return RecordCodec.decode(b, in -> {
            in.readByte();
            return new ContainerRecord(in.readLong(), in.readLong(), in.readUTF(), in.readUTF(),
                    Map.copyOf(RecordCodec.readMap(in)), in.readLong());
        });
    }

    public ContainerRecord withProperties(Map<String, String> p) {
        return new ContainerRecord(id, groupId, name, protocol, Map.copyOf(p), createdMillis);
    }
}
