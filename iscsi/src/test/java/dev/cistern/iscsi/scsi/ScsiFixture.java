package dev.cistern.iscsi.scsi;

import dev.cistern.iscsi.ReservationStore;
import dev.cistern.iscsi.SanitizeStore;
import dev.cistern.iscsi.scsi.sbc.DiskModel;
import dev.cistern.iscsi.scsi.spc.Reservations;
import dev.cistern.iscsi.testing.MemoryBlockVolume;

/** A disk LU over a memory volume and helpers to build CDBs, for socket-free device model tests. */
public final class ScsiFixture {
    public static final ItNexus A = new ItNexus("iqn.1994-05.com.example:a", "400001020304", "iqn.t:x");
    public static final ItNexus B = new ItNexus("iqn.1994-05.com.example:b", "400001020305", "iqn.t:x");

    public final MemoryBlockVolume volume;
    public final ReservationStore store;
    public final LogicalUnit lu;

    public ScsiFixture(long blocks, boolean readOnly) {
        this(blocks, readOnly, ReservationStore.inMemory());
    }

    public ScsiFixture(long blocks, boolean readOnly, ReservationStore store) {
        volume = new MemoryBlockVolume(blocks * 512, 512, 16384, readOnly);
        this.store = store;
        lu = new LogicalUnit(0, volume, DiskModel.commands(), new Reservations(store), SanitizeStore.inMemory(),
                "CSTTEST");
    }

    public ScsiResponse run(ItNexus n, byte[] cdb, byte[] dataOut, int alloc) {
        return lu.execute(new ScsiRequest(cdb, dataOut, alloc, n, new int[]{0}));
    }

    public ScsiResponse run(byte[] cdb) {
        return run(A, cdb, null, 1 << 20);
    }

    public ScsiResponse run(byte[] cdb, byte[] dataOut) {
        return run(A, cdb, dataOut, 0);
    }

    public static byte[] cdb(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) b[i] = (byte) bytes[i];
        return b;
    }

    public static byte[] rw16(int op, long lba, int blocks, int flags) {
        byte[] c = new byte[16];
        c[0] = (byte) op;
        c[1] = (byte) flags;
        Bytes.putLong(c, 2, lba);
        Bytes.putInt(c, 10, blocks);
        return c;
    }

    public static byte[] rw10(int op, long lba, int blocks) {
        byte[] c = new byte[10];
        c[0] = (byte) op;
        Bytes.putInt(c, 2, (int) lba);
        Bytes.putShort(c, 7, blocks);
        return c;
    }

    public static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }
}
