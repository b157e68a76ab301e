package dev.cistern.iscsi;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.StreamWriter;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Persistent reservation state kept as a small stream entry ({@code pr-lun-N}) next to the LUN's volume:
 * each save writes a new version and commits it, which the engine publishes durably and atomically, so
 * a crash leaves either the old or the new state.
 */
final class EngineReservationStore implements ReservationStore {
    private final ContainerHandle container;
    private final String entry;

    EngineReservationStore(ContainerHandle container, String entry) {
        this.container = container;
        this.entry = entry;
    }

    @Override
    public byte[] load() {
        if (container.stat(entry).isEmpty()) return new byte[0];
        try (FileEntry f = container.openFile(entry)) {
            long size = f.size();
            if (size > 1 << 20) throw new IllegalStateException("reservation state " + entry + " is " + size + " bytes");
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining()) {
                if (f.read(b.position(), b) < 0) break;
            }
            return b.array();
        }
    }

    @Override
    public void save(byte[] state) {
        try (StreamWriter w = container.create(entry)) {
            w.write(ByteBuffer.wrap(state));
            w.commit(Map.of());
        }
    }
}
