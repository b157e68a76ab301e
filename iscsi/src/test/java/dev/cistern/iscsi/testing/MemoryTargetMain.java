package dev.cistern.iscsi.testing;

import dev.cistern.iscsi.ChapCredentials;
import dev.cistern.iscsi.IscsiTarget;
import dev.cistern.iscsi.LunDefinition;
import dev.cistern.iscsi.ReservationStore;
import dev.cistern.iscsi.SanitizeStore;
import dev.cistern.iscsi.TargetDefinition;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Standalone target over in-memory volumes, for libiscsi's compliance suite and benchmarks before (and
 * besides) the engine: {@code MemoryTargetMain <port> <iqn> <sizeBytes> [blockSize] [luns]}.
 * Prints "READY <port>" once listening.
 */
public final class MemoryTargetMain {
    private MemoryTargetMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String iqn = args[1];
        long size = Long.parseLong(args[2]);
        int bs = args.length > 3 ? Integer.parseInt(args[3]) : 512;
        int count = args.length > 4 ? Integer.parseInt(args[4]) : 1;
        List<LunDefinition> luns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MemoryBlockVolume v = new MemoryBlockVolume(size, bs);
            luns.add(new LunDefinition(i, () -> v, ReservationStore.inMemory(), SanitizeStore.inMemory()));
        }
        String user = System.getenv("CISTERN_CHAP_USER");
        String secret = System.getenv("CISTERN_CHAP_SECRET");
        ChapCredentials chap = user == null ? null : new ChapCredentials(user, secret);
        TargetDefinition def = new TargetDefinition(iqn, luns, chap, null, Set.of());
        IscsiTarget target = new IscsiTarget(() -> List.of(def), new InetSocketAddress("127.0.0.1", port));
        target.start();
        System.out.println("READY " + target.port());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(target::stop));
        Thread.currentThread().join();
    }
}
