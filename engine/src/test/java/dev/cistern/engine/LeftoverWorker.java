package dev.cistern.engine;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child process of {@link SpaceReclamationTest}: leaves every kind of unfinished work an engine can
 * have when killed (a creating writer with flushed steps, an appending writer, unflushed volume writes,
 * a chunk-sharing copy of a big entry in progress), prints READY, and waits to be killed with SIGKILL.
 */
public final class LeftoverWorker {
    public static void main(String[] args) throws Exception {
        Engine e = Engines.open(EngineConfig.defaults(Path.of(args[0])).withContainerSize(256 * 1024));
        e.createGroup(StorageGroupSpec.of("grp"));
        e.createContainer("grp", new ContainerSpec("box", "client", Map.of()));
        ContainerHandle c = e.openContainer("box");
        EngineRoundTripTest.put(c, "committed", TestData.random(1, 2 << 20));
        StreamWriter staging = c.create("staging");
        staging.write(ByteBuffer.wrap(TestData.random(2, 3 << 20)));
        staging.flush();
        BlockVolume v = c.createVolume("vol", 16L << 20, 512, false);
        v.write(0, ByteBuffer.wrap(TestData.random(3, 2 << 20)), false);
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
