package dev.cistern.iscsi;

import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.Engines;
import dev.cistern.engine.StorageGroupSpec;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * Standalone iSCSI target on an engine data directory, for compliance runs, benchmarks and crash tests
 * before the server wires the target in:
 * {@code Launcher <dataDir> <port> [<container> <sizeBytes> [blockSize]]}. With a container name, the
 * container (group "default") and its LUN 0 are created when missing. Prints "READY <port>" once
 * listening; stops cleanly on SIGTERM.
 */
public final class Launcher {
    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Launcher <dataDir> <port> [<container> <sizeBytes> [blockSize]]");
            System.exit(2);
        }
        Engine engine = Engines.open(EngineConfig.defaults(Path.of(args[0])));
        if (args.length >= 4) {
            String container = args[2];
            long size = Long.parseLong(args[3]);
            int bs = args.length > 4 ? Integer.parseInt(args[4]) : 512;
            ensureContainer(engine, container, size, bs);
        }
        IscsiTarget target = new IscsiTarget(new EngineTargetCatalog(engine),
                new InetSocketAddress("127.0.0.1", Integer.parseInt(args[1])));
        target.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            target.stop();
            engine.close();
        }));
        System.out.println("READY " + target.port());
        System.out.flush();
        Thread.currentThread().join();
    }

    static void ensureContainer(Engine engine, String container, long size, int blockSize) {
        try {
            engine.group("default");
        } catch (EngineException e) {
            if (e.reason() != EngineException.Reason.NOT_FOUND) throw e;
            engine.createGroup(StorageGroupSpec.of("default"));
        }
        try {
            engine.container(container);
        } catch (EngineException e) {
            if (e.reason() != EngineException.Reason.NOT_FOUND) throw e;
            engine.createContainer("default", new dev.cistern.engine.ContainerSpec(container,
                    EngineTargetCatalog.PROTOCOL, Map.of()));
        }
        if (engine.openContainer(container).stat("lun-0").isEmpty()) {
            EngineTargetCatalog.addLun(engine, container, size, blockSize, false);
        }
    }
}
