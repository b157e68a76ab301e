package dev.cistern.s3.bench;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.engine.StreamWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same load as {@link S3Bench} applied straight to the engine API (create/commit, openFile/read),
 * so the report can tell the S3 front end's overhead from the engine's own cost.
 */
final class EngineBaseline {
    private EngineBaseline() {
    }

    static List<S3Bench.Result> run(Engine engine, int clients, int seconds, int[] sizes) throws Exception {
        try {
            engine.createGroup(StorageGroupSpec.of("default"));
        } catch (RuntimeException alreadyThere) {
            // the bench data directory may be reused
        }
        String name = "baseline-" + Long.toHexString(System.nanoTime());
        engine.createContainer("default", new ContainerSpec(name, "bench", Map.of()));
        ContainerHandle h = engine.openContainer(name);
        List<S3Bench.Result> out = new ArrayList<>();
        for (int size : sizes) {
            AtomicInteger written = new AtomicInteger();
            out.add(S3Bench.phase("engine", "PUT", size, clients, seconds, (client, n) -> {
                byte[] data = new byte[size];
                new SplittableRandom(((long) client << 32) + n).nextBytes(data);
                try (StreamWriter w = h.create("obj-" + size + "-" + client + "-" + n)) {
                    w.write(ByteBuffer.wrap(data));
                    w.commit(Map.of("etag", "bench"));
                }
                written.updateAndGet(x -> Math.max(x, n + 1));
            }));
            int perClient = Math.max(1, written.get() / 2);
            out.add(S3Bench.phase("engine", "GET", size, clients, seconds, (client, n) -> {
                try (FileEntry f = h.openFile("obj-" + size + "-" + client + "-" + (n % perClient))) {
                    ByteBuffer buf = ByteBuffer.allocate(size);
                    while (buf.hasRemaining() && f.read(buf.position(), buf) > 0) {
                        // read until full
                    }
                }
            }));
        }
        return out;
    }
}
