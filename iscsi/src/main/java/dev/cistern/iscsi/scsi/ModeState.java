package dev.cistern.iscsi.scsi;

/**
 * The changeable mode parameters of a logical unit (MODE SELECT targets). Lost on restart, as SPC
 * allows when saved pages are not supported.
 */
public final class ModeState {
    /** Caching page WCE: writes are acknowledged before they are durable (the engine buffers). */
    public volatile boolean writeCacheEnabled = true;
    /** Control page D_SENSE: report sense in descriptor format. */
    public volatile boolean descriptorSense;
    /** Control page SWP: software write protect. */
    public volatile boolean softwareWriteProtect;
}
