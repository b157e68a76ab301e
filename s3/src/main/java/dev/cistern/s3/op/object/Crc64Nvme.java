package dev.cistern.s3.op.object;

import java.util.zip.Checksum;

/**
 * CRC-64/NVME (reflected, polynomial 0xAD93D23594C93659, init and xor-out all ones), the checksum
 * current AWS SDKs send as x-amz-checksum-crc64nvme. Byte-wise table version.
 */
final class Crc64Nvme implements Checksum {
    private static final long[] TABLE = new long[256];

    static {
        long poly = 0x9A6C9329AC4BC9B5L; // the reflected polynomial
        for (int i = 0; i < 256; i++) {
            long c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >>> 1) ^ poly : c >>> 1;
            TABLE[i] = c;
        }
    }

    private long crc = -1L;

    @Override
    public void update(int b) {
        crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
    }

    @Override
    public void update(byte[] b, int off, int len) {
        long c = crc;
        for (int i = off; i < off + len; i++) c = TABLE[(int) ((c ^ b[i]) & 0xff)] ^ (c >>> 8);
        crc = c;
    }

    @Override
    public long getValue() {
        return ~crc;
    }

    @Override
    public void reset() {
        crc = -1L;
    }
}
