package dev.cistern.iscsi.session;

/**
 * A SCSI command waiting for its Data-Out: the buffer being filled and where the R2T/Data-Out exchange
 * stands (RFC 7143 sections 10.7-10.8). Owned by the connection's reader thread only.
 */
final class WriteTask {
    final int itt;
    final long lunField;
    final byte[] cdb;
    final int cmdSn;
    final boolean readToo;
    final byte[] buffer;
    /** What the task holds of the write budget: its buffer, at least {@link CommandMemory#LEAST_HELD}. */
    final long charge;
    /** High-water mark of data received; Data-Out arrives in order (DataPDUInOrder=Yes). */
    int received;
    boolean unsolicitedDone;
    boolean r2tOutstanding;
    int r2tSn;
    int ttt = -1;
    int r2tOffset;
    int r2tLength;
    int expectedDataSn;
    /** A Data-Out of this command failed its data digest: the command must not run. */
    boolean digestError;
    /** SCSI task attribute (SIMPLE, ORDERED...) from the command PDU. */
    int attr;

    WriteTask(int itt, long lunField, byte[] cdb, int cmdSn, boolean readToo, int length) {
        this.itt = itt;
        this.lunField = lunField;
        this.cdb = cdb;
        this.cmdSn = cmdSn;
        this.readToo = readToo;
        this.buffer = new byte[length];
        this.charge = CommandMemory.held(length);
    }

    boolean complete() {
        return received >= buffer.length;
    }
}
