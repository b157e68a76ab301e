package dev.cistern.server.service;

import dev.cistern.engine.EngineException;
import dev.cistern.server.FakeEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine reports DOWN, so the watcher restarts it, when its metadata store stops serving (not for a full disk). */
class EngineServiceTest {
    @TempDir
    Path dir;

    @Test
    void anEngineWhoseMetadataStoreStoppedIsDownAndARestartOpensAFreshOne() {
        List<FakeEngine> opened = new ArrayList<>();
        EngineService s = new EngineService(dir, d -> {
            FakeEngine e = new FakeEngine();
            opened.add(e);
            return e;
        });
        s.start();
        assertThat(s.health().status()).isEqualTo(Health.Status.UP);
        opened.getFirst().broken = new EngineException(EngineException.Reason.IO_ERROR,
                "health check failed: IO error: No space left on device");
        Health down = s.health();
        assertThat(down.status()).isEqualTo(Health.Status.DOWN);
        assertThat(down.message()).contains("No space left");
        s.stop();
        s.start();
        assertThat(opened).hasSize(2);
        assertThat(s.health().status()).isEqualTo(Health.Status.UP);
        s.stop();
    }

    /** A full disk is no reason to restart: reads go on, and the metadata store resumes writes once there is room. */
    @Test
    void anEngineRefusingWritesForAFullDiskIsDegradedNotDown() {
        FakeEngine engine = new FakeEngine();
        EngineService s = new EngineService(dir, d -> engine);
        s.start();
        engine.broken = new EngineException(EngineException.Reason.NO_SPACE, "metadata health check failed: disk full");
        Health h = s.health();
        assertThat(h.status()).isEqualTo(Health.Status.DEGRADED);
        assertThat(h.message()).contains("disk full").contains("once space is freed");
        engine.broken = null;
        assertThat(s.health().status()).isEqualTo(Health.Status.UP);
        s.stop();
    }

    /**
     * The watcher's restart of a real engine while a client keeps writing through it: the writes in flight
     * fail with an engine error (a 503 to the client), the next ones go to the new engine, and every write
     * acknowledged on either reads back. Closing an engine under load used to crash the JVM.
     */
    @Test
    void restartingARealEngineUnderWritesLosesNothingAcknowledged() throws Exception {
        EngineService s = new EngineService(dir, d -> dev.cistern.engine.Engines.open(
                dev.cistern.engine.EngineConfig.defaults(d).withContainerSize(256 * 1024)));
        s.start();
        s.engine().createGroup(dev.cistern.engine.StorageGroupSpec.of("grp"));
        s.engine().createContainer("grp", new dev.cistern.engine.ContainerSpec("bkp", "client", java.util.Map.of()));
        java.util.Map<String, byte[]> acknowledged = new java.util.concurrent.ConcurrentHashMap<>();
        List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        Thread client = Thread.ofPlatform().start(() -> {
            java.util.Random r = new java.util.Random(5);
            for (int i = 0; !done.get(); i++) {
                byte[] data = new byte[300_000 + r.nextInt(700_000)];
                r.nextBytes(data);
                String name = "obj-" + i;
                try (dev.cistern.engine.StreamWriter w = s.engine().openContainer("bkp").create(name)) {
                    for (int off = 0; off < data.length; off += 64 * 1024) {
                        w.write(java.nio.ByteBuffer.wrap(data, off, Math.min(64 * 1024, data.length - off)));
                    }
                    w.commit(java.util.Map.of());
                    acknowledged.put(name, data);
                } catch (EngineException e) {
                    refused.incrementAndGet(); // the engine went away under this write: the client retries later
                } catch (Throwable t) {
                    unexpected.add(t);
                    return;
                }
            }
        });
        for (int restart = 0; restart < 5; restart++) {
            Thread.sleep(300);
            s.stop();
            s.start();
        }
        Thread.sleep(300);
        done.set(true);
        client.join(60_000);
        assertThat(client.isAlive()).isFalse();
        assertThat(unexpected).isEmpty();
        assertThat(acknowledged.size()).isGreaterThan(5);
        assertThat(refused.get()).as("writes caught by a restart").isPositive();
        dev.cistern.engine.ContainerHandle c = s.engine().openContainer("bkp");
        for (var e : acknowledged.entrySet()) {
            byte[] back = new byte[e.getValue().length];
            try (dev.cistern.engine.FileEntry f = c.openFile(e.getKey())) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(back);
                while (b.hasRemaining() && f.read(b.position(), b) > 0) {
                    // to the end
                }
            }
            assertThat(back).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(s.engine().verify(dev.cistern.engine.Progress.NONE).clean()).isTrue();
        s.stop();
    }
}
