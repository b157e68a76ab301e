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

/** Builds targets over in-memory volumes on an ephemeral loopback port, for end-to-end tests. */
public final class MemoryTargets {
    private MemoryTargets() {
    }

    public static TargetDefinition definition(String iqn, int luns, long size, ChapCredentials chap,
                                              ChapCredentials mutual, Set<String> initiators) {
        List<LunDefinition> list = new ArrayList<>();
        for (int i = 0; i < luns; i++) {
            MemoryBlockVolume v = new MemoryBlockVolume(size, 512);
            list.add(new LunDefinition(i, () -> v, ReservationStore.inMemory(), SanitizeStore.inMemory()));
        }
        return new TargetDefinition(iqn, list, chap, mutual, initiators);
    }

    public static IscsiTarget start(TargetDefinition... defs) {
        IscsiTarget t = new IscsiTarget(() -> List.of(defs), new InetSocketAddress("127.0.0.1", 0));
        t.start();
        return t;
    }
}
