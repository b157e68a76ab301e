package dev.cistern.vtl.ssc;

import dev.cistern.engine.EngineException;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.vtl.library.DriveModelSpec;
import dev.cistern.vtl.media.TapeMedium;
import dev.cistern.vtl.scsi.Identity;
import java.util.function.Function;

/**
 * One tape drive of a library: the mounted cartridge, whether it is loaded (ready) or unloaded
 * (waiting for the picker), the logical position (a logical object identifier, SSC-3 4.2.3), the
 * block size of fixed mode (0 = variable) and the mode settings. The SSC handlers run under the
 * drive's monitor; the changer inserts and ejects cartridges under the same monitor.
 */
public final class TapeDrive {
    final DriveModelSpec model;
    final Identity identity;
    private final int elementAddress;
    private final Function<String, TapeMedium> mounter;
    TapeMedium medium;
    boolean loaded;
    long position;
    int blockSize;
    boolean compression = true;
    /**
     * BUFFERED MODE of the mode parameter header (SSC-3 8.3.2): 1, a WRITE is acknowledged once the engine
     * holds its data; 0, once it is durable.
     */
    int bufferedMode = 1;
    boolean preventRemoval;
    boolean descriptorSense;
    long bytesWritten;
    long bytesRead;

    public TapeDrive(DriveModelSpec model, String serial, int elementAddress, Function<String, TapeMedium> mounter) {
        this.model = model;
        this.identity = new Identity(0x01, true, model.vendor(), model.product(), model.revision(), serial, 0x0400);
        this.elementAddress = elementAddress;
        this.mounter = mounter;
    }

    public String serial() {
        return identity.serial();
    }

    public int elementAddress() {
        return elementAddress;
    }

    /** The changer puts a cartridge in: it is mounted, loaded and positioned at BOP (autoload). */
    public synchronized void insert(String barcode) {
        if (medium != null) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "drive " + serial() + " is full");
        }
        medium = mounter.apply(barcode);
        loaded = true;
        position = 0;
    }

    /** The changer takes the cartridge out; everything written is made durable first. */
    public synchronized String eject() {
        if (medium == null) return null;
        String barcode = medium.cartridge().barcode();
        medium.close();
        medium = null;
        loaded = false;
        position = 0;
        return barcode;
    }

    public synchronized boolean removalPrevented() {
        return preventRemoval && medium != null;
    }

    /** The cartridge in the drive, or null. */
    public synchronized String barcode() {
        return medium == null ? null : medium.cartridge().barcode();
    }

    public synchronized long position() {
        return position;
    }

    /** The medium of a ready drive; NOT READY, MEDIUM NOT PRESENT otherwise. */
    TapeMedium ready() {
        if (medium == null || !loaded) throw TapeSense.noMedium();
        return medium;
    }

    boolean writeProtected() {
        return medium != null && medium.cartridge().writeProtected();
    }

    /** Whether the logical position is past early warning: the payload before it, not the tape's whole contents. */
    boolean pastEarlyWarning() {
        return medium != null && medium.bytesBefore(position) >= medium.cartridge().earlyWarning();
    }

    /** Closes the mounted cartridge (library shutdown); it stays in the drive for the next start. */
    public synchronized void close() {
        if (medium != null) medium.close();
        medium = null;
    }

    /**
     * After a command failed in the engine: the drive stands no further than the tape's end of data (going
     * back to the durable point may have dropped the objects it stood after), and the deferred error to
     * report instead of the command's own when that dropped blocks acknowledged by earlier commands
     * (SSC-3: an error on data of commands that completed with GOOD is deferred), or null.
     */
    synchronized Sense failed() {
        if (medium != null) position = Math.min(position, medium.endOfData());
        return deferredError();
    }

    /**
     * The deferred error about acknowledged blocks lost since it was last reported, or null. INFORMATION
     * counts what was lost in the units of the WRITEs that wrote it (their FIXED bit, recorded when they
     * were acknowledged, see {@link TapeMedium#acknowledge}): blocks of fixed-block WRITEs, bytes of
     * variable-block ones, whatever block size the drive has when the loss is found. A loss of both kinds
     * has no one unit to count it in; it is reported without INFORMATION (VALID 0) rather than with a sum
     * of blocks and bytes that means neither.
     */
    synchronized Sense deferredError() {
        TapeMedium.Loss lost = medium == null ? null : medium.takeLoss();
        if (lost == null) return null;
        Sense deferred = LogicalUnit.senseFor(lost.cause()).asDeferred();
        if (lost.bytes() == 0) return deferred.withInformation(lost.objects());
        if (lost.objects() == 0) return deferred.withInformation(lost.bytes());
        return deferred;
    }

    /** Makes what was written durable (rewind, unload, direction change). */
    synchronized void flush() {
        if (medium != null) medium.flush();
    }
}
