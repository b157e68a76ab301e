package dev.cistern.vtl;

import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.iscsi.scsi.ItNexus;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.spc.Reservations;
import dev.cistern.iscsi.ReservationStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An engine in a temporary directory with one library ("lib1": 2 drives, 8 slots, 2 mail slots) and
 * its logical units, driven socket-free: CDB in, response out.
 */
public final class VtlFixture implements AutoCloseable {
    public static final ItNexus NEXUS = new ItNexus("iqn.2026-11.dev.cistern:test", "000000000001", "iqn.test");
    public final Engine engine;
    public final String library = "lib1";
    public final LogicalUnit changer;
    public final LogicalUnit drive1;
    public final LogicalUnit drive2;

    public VtlFixture(Path dir) {
        this(dir, true);
    }

    public VtlFixture(Path dir, boolean create) {
        this(dir, create, 1024 * 1024);
    }

    /** With chunk containers of {@code containerSize} bytes (small ones make many files: reader-cache stress). */
    public VtlFixture(Path dir, boolean create, int containerSize) {
        engine = Engines.open(EngineConfig.defaults(dir).withContainerSize(containerSize));
        if (create) {
            engine.createGroup(StorageGroupSpec.of("grp"));
            TapeLibraries.create(engine, "grp", library, Map.of("vtl.drives", "2", "vtl.slots", "8",
                    "vtl.mailslots", "2", "vtl.drive-model", "TD5"));
        }
        var luns = TapeLibraries.luns(engine, library);
        changer = luns.get(0).device().open(0, new Reservations(ReservationStore.inMemory()));
        drive1 = luns.get(1).device().open(1, new Reservations(ReservationStore.inMemory()));
        drive2 = luns.get(2).device().open(2, new Reservations(ReservationStore.inMemory()));
    }

    public static ScsiResponse run(LogicalUnit lu, int alloc, byte[] dataOut, int... cdb) {
        byte[] c = new byte[cdb.length];
        for (int i = 0; i < cdb.length; i++) c[i] = (byte) cdb[i];
        return lu.execute(new ScsiRequest(c, dataOut, alloc, NEXUS, new int[] {0, 1, 2}));
    }

    public static ScsiResponse run(LogicalUnit lu, int... cdb) {
        return run(lu, 1 << 24, null, cdb);
    }

    @Override
    public void close() {
        TapeLibraries.closeAll(engine);
        engine.close();
    }

    public List<CartridgeInfo> cartridges() {
        return TapeLibraries.listCartridges(engine, library);
    }
}
