package dev.cistern.engine.store;

import dev.cistern.engine.Compression;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.chunking.Fingerprint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A seal whose recording in the metadata fails (RocksDB refusing writes after a full disk, until it
 * recovers by itself) is tried again by the next {@link ChunkStore#sealIdle}, as one whose trailer
 * could not be written is: every container the store opened ends up recorded as sealed.
 */
class SealRetryTest {
    @TempDir
    Path dir;

    private final Set<Long> recordedSealed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refusals = new AtomicInteger();

    private ChunkStore store() {
        AtomicLong ids = new AtomicLong(1);
        return new ChunkStore(7, dir, 1 << 20, ids::getAndIncrement, new ChunkStore.SealListener() {
            @Override
            public void created(long groupId, long containerId) {
            }

            @Override
            public void sealed(long groupId, long containerId, long size) {
                if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new EngineException(EngineException.Reason.NO_SPACE, "metadata store refuses writes");
                }
                recordedSealed.add(containerId);
            }
        });
    }

    private static byte[] record(int seed) {
        byte[] data = new byte[4096];
        new java.util.Random(seed).nextBytes(data);
        return ChunkRecord.encode(data, 0, data.length, Fingerprint.of(data, 0, data.length), Compression.NONE, null);
    }

    @Test
    void idleContainersWhoseSealTheMetadataRefusedAreSealedByTheNextSealIdle() throws Exception {
        try (ChunkStore s = store()) {
            ChunkContainerWriter a = s.acquire();
            ChunkContainerWriter b = s.acquire();
            a.append(record(1));
            b.append(record(2));
            s.release(a);
            s.release(b);
            refusals.set(1);
            assertThatThrownBy(s::sealIdle).isInstanceOf(EngineException.class);
            s.sealIdle(); // the metadata takes writes again
            assertThat(recordedSealed).containsExactlyInAnyOrder(a.id(), b.id());
            assertThat(s.openContainerIds()).isEmpty();
        }
    }

    @Test
    void aContainerWhoseDirectSealFailedIsSealedByTheNextSealIdle() throws Exception {
        // the cleaner seals its output container itself: a failure left it open, unsealed, until a restart
        try (ChunkStore s = store()) {
            ChunkContainerWriter out = s.acquire();
            out.append(record(6));
            refusals.set(1);
            assertThatThrownBy(() -> s.seal(out)).isInstanceOf(EngineException.class);
            s.sealIdle();
            assertThat(recordedSealed).containsExactly(out.id());
            assertThat(s.openContainerIds()).isEmpty();
        }
    }

    @Test
    void closingWhileTheMetadataRefusesClosesEveryContainerFile() throws Exception {
        ChunkStore s = store();
        ChunkContainerWriter a = s.acquire();
        ChunkContainerWriter b = s.acquire();
        a.append(record(4));
        b.append(record(5));
        s.release(a);
        s.release(b);
        refusals.set(Integer.MAX_VALUE);
        s.close(); // recovery seals them at the next start
        assertThat(dev.cistern.engine.testing.SmallDisk.openFilesUnder(dir)).as("container files still open").isEmpty();
    }

    @Test
    void aBackgroundSealTheMetadataRefusedIsSealedByTheNextSealIdle() throws Exception {
        try (ChunkStore s = store()) {
            ChunkContainerWriter a = s.acquire();
            a.append(record(3));
            refusals.set(1);
            s.sealLater(a);
            s.awaitSeals();
            s.sealIdle();
            assertThat(recordedSealed).containsExactly(a.id());
            assertThat(s.openContainerIds()).isEmpty();
        }
    }
}
