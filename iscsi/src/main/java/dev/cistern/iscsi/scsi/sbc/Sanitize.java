package dev.cistern.iscsi.scsi.sbc;

import dev.cistern.engine.BlockVolume;
import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.Sanitizing;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * SANITIZE (SBC-4 5.30) on a thin, deduplicating LUN. BLOCK ERASE deallocates every block (they read as
 * zeros, LBPRZ); OVERWRITE writes the initialization pattern over every block, or deallocates when the
 * pattern is all zeros. The blocks' old chunks leave the disk when the cleaner next runs, like those of
 * any overwritten or unmapped block. CRYPTO ERASE is not offered: chunks are deduplicated across LUNs,
 * so a LUN has no key of its own whose destruction would make only its data unreadable; it ends in
 * INVALID FIELD IN CDB like any unsupported service action (and WACEREQ is 0, see BlockVpd).
 *
 * <p>GOOD means done and durable: the volume is flushed first, whatever the write cache setting. With
 * IMMED the command answers once its CDB and parameter list are checked, and the operation goes on in
 * the background; see {@link Sanitizing} for what other commands see meanwhile, and after a restart
 * if the operation did not complete.
 */
public final class Sanitize {
    public static final int OVERWRITE = 0x01;
    public static final int BLOCK_ERASE = 0x02;
    public static final int EXIT_FAILURE_MODE = 0x1f;
    private static final int PIECE_BYTES = 1 << 20;
    private static final int ERASE_PIECES = 256;
    /**
     * Fewest allocation units one BLOCK ERASE unmap covers: well above what the engine frees at once
     * (see {@link BlockVolume#unmap}), so a piece costs one metadata write instead of a zero-write of
     * each of its units.
     */
    private static final int MIN_ERASE_UNITS = 1024;
    private static final System.Logger LOG = System.getLogger(Sanitize.class.getName());

    private Sanitize() {
    }

    public static ScsiResponse sanitize(LogicalUnit lu, ScsiRequest r) {
        byte[] cdb = r.cdb();
        boolean immed = (cdb[1] & 0x80) != 0;
        boolean ause = (cdb[1] & 0x20) != 0;
        int sa = cdb[1] & 0x1f;
        int length = Bytes.u16(cdb, 7);
        Sanitizing state = lu.sanitizing();
        // bytes 2-6 are reserved, and so is ZNR (byte 1 bit 6) on a LUN that is not a zoned block device:
        // refused rather than ignored, so an initiator expecting their effect learns it did not happen
        if ((cdb[1] & 0x40) != 0 || cdb[2] != 0 || cdb[3] != 0 || cdb[4] != 0 || cdb[5] != 0 || cdb[6] != 0) {
            throw CheckCondition.invalidFieldInCdb();
        }
        if (sa == EXIT_FAILURE_MODE) {
            if (length != 0) throw CheckCondition.invalidFieldInCdb();
            state.exitFailureMode(); // refused after a failure in restricted mode, see Sanitizing
            return ScsiResponse.wrote(0);
        }
        byte[] block = switch (sa) {
            case BLOCK_ERASE -> {
                if (length != 0) throw CheckCondition.invalidFieldInCdb();
                yield null;
            }
            case OVERWRITE -> overwriteBlock(lu, length, r.dataOut());
            default -> throw CheckCondition.invalidFieldInCdb();
        };
        if (lu.writeProtected()) throw CheckCondition.writeProtected();
        state.begin(ause);
        if (immed) {
            Thread.ofVirtual().name("sanitize-lun-" + lu.number()).start(() -> {
                try {
                    run(lu, block, ause);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "sanitize of LUN " + lu.number() + " failed", e);
                }
            });
            return ScsiResponse.wrote(length);
        }
        try {
            run(lu, block, ause);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "sanitize of LUN " + lu.number() + " failed", e);
            throw new CheckCondition(Sanitizing.FAILED);
        }
        return ScsiResponse.wrote(length);
    }

    /**
     * The block image OVERWRITE leaves on every block: the initialization pattern repeated over the block.
     * With INVERT the passes alternate between the pattern and its inverse, arranged so that the last
     * pass writes the pattern itself; on a deduplicating store earlier passes would only be superseded
     * in the block map (they never overwrite the old chunks in place), so only the last one is written.
     */
    static byte[] overwriteBlock(LogicalUnit lu, int length, byte[] p) {
        int bs = lu.blockSize();
        if (length < 5 || length > bs + 4) throw CheckCondition.invalidFieldInCdb();
        if (p.length < length) throw CheckCondition.parameterListLength();
        int test = (p[0] >>> 5) & 0x03;
        int count = p[0] & 0x1f;
        int patternLength = Bytes.u16(p, 2);
        // TEST values other than 0 are vendor test modes Cistern has none of
        if (test != 0 || count == 0 || patternLength == 0 || patternLength > bs || patternLength > length - 4) {
            throw CheckCondition.invalidFieldInParameterList();
        }
        byte[] block = new byte[bs];
        for (int i = 0; i < bs; i++) block[i] = p[4 + i % patternLength];
        return block;
    }

    /**
     * Runs the operation; {@code block} null is BLOCK ERASE. Any failure leaves the unit in failure mode.
     * The operation walks the LUN from its first block to its last, in pieces, and reports after each
     * piece how much of the LUN it has been through (the PROGRESS INDICATION of SANITIZE IN PROGRESS).
     */
    private static void run(LogicalUnit lu, byte[] block, boolean ause) {
        Sanitizing state = lu.sanitizing();
        boolean ok = false;
        try {
            BlockVolume v = lu.volume();
            long size = lu.blocks() * lu.blockSize();
            if (block == null || isZero(block)) {
                long piece = erasePiece(size, lu.blockSize(), v.allocationUnit());
                for (long done = 0; done < size; done += piece) {
                    v.unmap(done, Math.min(piece, size - done));
                    state.progress(Math.min(done + piece, size), size);
                }
            } else {
                int bs = block.length;
                int piece = (int) Math.min(size, PIECE_BYTES / bs * bs);
                byte[] buf = new byte[piece];
                for (int i = 0; i < piece; i += bs) System.arraycopy(block, 0, buf, i, bs);
                for (long done = 0; done < size; done += piece) {
                    v.write(done, ByteBuffer.wrap(buf, 0, (int) Math.min(piece, size - done)), false);
                    state.progress(Math.min(done + piece, size), size);
                }
            }
            v.flush();
            ok = true;
        } finally {
            state.end(ok, ause);
        }
    }

    /**
     * The bytes one unmap of a BLOCK ERASE covers: about 1/{@value #ERASE_PIECES} of the LUN, so the
     * progress moves in small steps, and a whole number of allocation units, so that every piece frees
     * whole units rather than zero-filling partial ones at its edges; but at least
     * {@value #MIN_ERASE_UNITS} units, so that a LUN of a few GiB is still erased with range deletes
     * rather than unit by unit (fewer, larger steps of progress for it).
     */
    static long erasePiece(long size, int blockSize, int allocationUnit) {
        long unit = Math.max(blockSize, allocationUnit);
        if (unit % blockSize != 0) unit *= blockSize; // a unit that is not whole blocks: never seen, still safe
        long piece = (size / ERASE_PIECES + unit - 1) / unit * unit;
        return Math.max(piece, MIN_ERASE_UNITS * unit);
    }

    private static boolean isZero(byte[] b) {
        return Arrays.equals(b, new byte[b.length]);
    }
}
