package dev.cistern.iscsi.pdu;

/**
 * The peer broke the framing or the rules of the protocol badly enough that the connection cannot go on
 * (a header digest mismatch, a data segment longer than negotiated): the connection is closed.
 */
public class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }
}
