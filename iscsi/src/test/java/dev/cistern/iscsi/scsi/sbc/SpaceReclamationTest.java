package dev.cistern.iscsi.scsi.sbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.engine.Progress;
import dev.cistern.engine.Stats;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.iscsi.EngineTargetCatalog;
import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.ItNexus;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.ReservationStore;
import dev.cistern.iscsi.SanitizeStore;
import dev.cistern.iscsi.scsi.spc.Reservations;
import dev.cistern.iscsi.scsi.ScsiFixture;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blocks overwritten, UNMAPped or zeroed by WRITE SAME through SCSI give their space back at the next
 * clean, and so does a LUN removed while an initiator still has it open (its unflushed writes too).
 */
class SpaceReclamationTest {
    private static final ItNexus A = ScsiFixture.A;
    @TempDir
    Path dir;

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ScsiResponse run(LogicalUnit lu, byte[] cdb, byte[] out, int alloc) {
        ScsiResponse r = lu.execute(new ScsiRequest(cdb, out, alloc, A, new int[] {0}));
        assertThat(r.status()).as("SCSI status of opcode %02x", cdb[0]).isZero();
        return r;
    }

    private static void write(LogicalUnit lu, long lba, byte[] data) {
        run(lu, ScsiFixture.rw16(0x8a, lba, data.length / 512, 0), data, 0);
    }

    private static byte[] read(LogicalUnit lu, long lba, int blocks) {
        return run(lu, ScsiFixture.rw16(0x88, lba, blocks, 0), null, blocks * 512).dataIn();
    }

    private static void unmap(LogicalUnit lu, long lba, int blocks) {
        byte[] p = new byte[24];
        Bytes.putShort(p, 0, 22);
        Bytes.putShort(p, 2, 16);
        Bytes.putLong(p, 8, lba);
        Bytes.putInt(p, 16, blocks);
        run(lu, ScsiFixture.cdb(0x42, 0, 0, 0, 0, 0, 0, 0, 24, 0), p, 0);
    }

    private static void writeSameZeros(LogicalUnit lu, long lba, int blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) 0x93;
        c[1] = 0x08; // UNMAP
        Bytes.putLong(c, 2, lba);
        Bytes.putInt(c, 10, blocks);
        run(lu, c, new byte[512], 0);
    }

    @Test
    void overwrittenUnmappedZeroedAndRemovedLunBlocksAreReclaimed() {
        try (Engine e = Engines.open(EngineConfig.defaults(dir).withContainerSize(256 * 1024))) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("luns", EngineTargetCatalog.PROTOCOL, Map.of()));
            int n = EngineTargetCatalog.addLun(e, "luns", 32L << 20, 512, false);
            byte[] keep = random(9, 1 << 20);
            try (BlockVolume v = e.openContainer("luns").openVolume("lun-" + n)) {
                LogicalUnit lu = new LogicalUnit(0, v, DiskModel.commands(),
                        new Reservations(ReservationStore.inMemory()), SanitizeStore.inMemory(), "CSTTEST");
                write(lu, 0, random(1, 4 << 20));
                write(lu, 0, keep);                                  // overwritten
                write(lu, 8192, random(2, 4 << 20));                 // then unmapped
                unmap(lu, 8192, 8192);
                write(lu, 20480, random(3, 2 << 20));                // then zeroed by WRITE SAME
                writeSameZeros(lu, 20480, 4096);
                run(lu, ScsiFixture.cdb(0x35, 0, 0, 0, 0, 0, 0, 0, 0, 0), null, 0); // SYNCHRONIZE CACHE
                e.clean(Progress.NONE);
                assertThat(read(lu, 0, 2048)).isEqualTo(keep);
                Stats s = e.groupStats("grp");
                // still mapped: the 1 MiB written over the first one, and the first write's other 3 MiB
                assertThat(s.uniqueBytes()).as("unique bytes after clean: the 4 MiB still mapped").isEqualTo(4L << 20);

                write(lu, 40960, random(4, 2 << 20));                // never synchronized
                EngineTargetCatalog.removeLun(e, "luns", n);          // removed while the LU is still open
                e.clean(Progress.NONE);
                Stats gone = e.groupStats("grp");
                assertThat(gone.chunkCount()).as("chunks after the open LUN was removed").isZero();
                assertThat(gone.storedBytes()).as("stored bytes after the open LUN was removed").isZero();
            }
        }
    }
}
