package dev.cistern.vtl.ssc;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;

/** READ BLOCK LIMITS (SSC-3 7.6): blocks of 1 byte to 8 MiB, any granularity. */
final class TapeLimits {
    /** Largest block (and largest transfer of one READ or WRITE), well inside the transport's buffer limit. */
    static final int MAX_BLOCK = 8 * 1024 * 1024;

    private TapeLimits() {
    }

    static ScsiResponse readBlockLimits(LogicalUnit lu, ScsiRequest r) {
        byte[] b = new byte[6];
        b[1] = (byte) (MAX_BLOCK >>> 16);
        b[2] = (byte) (MAX_BLOCK >>> 8);
        b[3] = (byte) MAX_BLOCK;
        Bytes.putShort(b, 4, 1);
        return ScsiResponse.data(b);
    }
}
