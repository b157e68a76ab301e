package dev.cistern.vtl.ssc;

import static dev.cistern.vtl.VtlFixture.run;

import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiResponse;

/** CDB builders for the tape commands the tests send. */
final class Cdbs {
    private Cdbs() {
    }

    static ScsiResponse write(LogicalUnit lu, boolean fixed, int len, byte[] data) {
        return run(lu, 0, data, 0x0a, fixed ? 1 : 0, len >> 16, len >> 8, len, 0);
    }

    static ScsiResponse read(LogicalUnit lu, boolean fixed, boolean sili, int len) {
        return run(lu, 1 << 24, null, 0x08, (fixed ? 1 : 0) | (sili ? 2 : 0), len >> 16, len >> 8, len, 0);
    }

    static ScsiResponse filemarks(LogicalUnit lu, int n) {
        return run(lu, 0x10, 0, n >> 16, n >> 8, n, 0);
    }

    static ScsiResponse space(LogicalUnit lu, int code, int count) {
        return run(lu, 0x11, code, count >> 16, count >> 8, count, 0);
    }

    static ScsiResponse space16(LogicalUnit lu, int code, long count) {
        int[] c = new int[16];
        c[0] = 0x91;
        c[1] = code;
        for (int i = 0; i < 8; i++) c[4 + i] = (int) (count >>> (56 - 8 * i));
        return run(lu, c);
    }

    static ScsiResponse rewind(LogicalUnit lu) {
        return run(lu, 0x01, 0, 0, 0, 0, 0);
    }

    static ScsiResponse locate10(LogicalUnit lu, long block) {
        return run(lu, 0x2b, 0, 0, (int) (block >> 24), (int) (block >> 16), (int) (block >> 8), (int) block, 0, 0, 0);
    }

    static ScsiResponse locate16(LogicalUnit lu, int destType, long id) {
        int[] c = new int[16];
        c[0] = 0x92;
        c[1] = destType << 3;
        for (int i = 0; i < 8; i++) c[4 + i] = (int) (id >>> (56 - 8 * i));
        return run(lu, c);
    }

    static ScsiResponse readPosition(LogicalUnit lu, int sa) {
        return run(lu, 0x34, sa, 0, 0, 0, 0, 0, 0, sa == 8 ? 32 : 0, 0);
    }

    /** MODE SELECT(6) with a block descriptor setting the block length (0 = variable). */
    static ScsiResponse setBlockSize(LogicalUnit lu, int bs) {
        byte[] p = new byte[12];
        p[2] = 0x10; // buffered mode 1, as MODE SENSE reports it
        p[3] = 8;
        p[9] = (byte) (bs >> 16);
        p[10] = (byte) (bs >> 8);
        p[11] = (byte) bs;
        return run(lu, 1 << 24, p, 0x15, 0x10, 0, 0, 12, 0);
    }

    static byte[] pattern(int seed, int n) {
        byte[] b = new byte[n];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }
}
