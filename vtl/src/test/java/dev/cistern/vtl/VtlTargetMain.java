package dev.cistern.vtl;

import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.iscsi.IscsiTarget;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Cistern VTL target for tests and the benchmark script: {@code VtlTargetMain <dataDir> <port>
 * [cartridges] [capacityMiB]}. On first start creates library "vtl1" (2 TD5 drives, 16 slots, 2 mail
 * slots) with cartridges CST001L5, CST002L5...; prints "READY <port>" once listening. IQN
 * iqn.2026-11.dev.cistern:vtl1 (through {@link VtlTargetCatalog}); changer at LUN 0, drives at LUNs 1 and 2.
 */
public final class VtlTargetMain {
    public static final String IQN = dev.cistern.iscsi.EngineTargetCatalog.IQN_PREFIX + "vtl1";

    private VtlTargetMain() {
    }

    public static IscsiTarget start(Engine engine, int port, int cartridges, long capacity) {
        if (engine.listGroups().stream().noneMatch(g -> g.name().equals("grp"))) {
            engine.createGroup(StorageGroupSpec.of("grp"));
            TapeLibraries.create(engine, "grp", "vtl1", Map.of("vtl.drives", "2", "vtl.slots", "16",
                    "vtl.mailslots", "2"));
            for (int i = 1; i <= cartridges; i++) {
                TapeLibraries.addCartridge(engine, "vtl1", String.format("CST%03dL5", i), capacity);
            }
        }
        IscsiTarget target = new IscsiTarget(new VtlTargetCatalog(engine), new InetSocketAddress("127.0.0.1", port));
        target.start();
        return target;
    }

    public static void main(String[] args) throws Exception {
        Engine engine = Engines.open(EngineConfig.defaults(Path.of(args[0])));
        int cartridges = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        long capacity = (args.length > 3 ? Long.parseLong(args[3]) : 4096) * 1024 * 1024;
        IscsiTarget target = start(engine, Integer.parseInt(args[1]), cartridges, capacity);
        System.out.println("READY " + target.port());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            target.stop();
            TapeLibraries.closeAll(engine);
            engine.close();
        }));
        Thread.currentThread().join();
    }
}
