package dev.cistern.iscsi.pdu;

/**
 * The data digest of a PDU did not match. The header was sound, so the connection survives: the target
 * answers with a Reject (reason 0x02) for the PDU (RFC 7143 section 7.8).
 */
public class DataDigestException extends Exception {
    private final Pdu pdu;

    public DataDigestException(Pdu pdu) {
        super("data digest error on " + pdu);
        this.pdu = pdu;
    }

    public Pdu pdu() {
        return pdu;
    }
}
