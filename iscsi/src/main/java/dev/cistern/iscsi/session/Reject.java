package dev.cistern.iscsi.session;

/** Reject PDU reason codes (RFC 7143 section 11.17.1). */
final class Reject {
    static final int DATA_DIGEST_ERROR = 0x02;
    static final int SNACK_REJECT = 0x03;
    static final int PROTOCOL_ERROR = 0x04;
    static final int COMMAND_NOT_SUPPORTED = 0x05;
    static final int INVALID_PDU_FIELD = 0x09;

    private Reject() {
    }
}
