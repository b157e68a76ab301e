package dev.cistern.iscsi.pdu;

/**
 * A PDU announced a data segment longer than this side accepts. Thrown once its header is read and
 * before any of its data is: the caller may still answer it (a login PDU over 8192 bytes is answered
 * Initiator Error), then closes the connection.
 */
public final class OversizedSegmentException extends ProtocolException {
    private final transient Pdu header;
    private final int length;

    OversizedSegmentException(Pdu header, int length, int max) {
        super("data segment of " + length + " bytes exceeds MaxRecvDataSegmentLength " + max);
        this.header = header;
        this.length = length;
    }

    /** The data segment length the header announced (under 2^24), padding not included. */
    public int declaredLength() {
        return length;
    }

    /** The PDU's header, with an empty data segment. */
    public Pdu header() {
        return header;
    }
}
