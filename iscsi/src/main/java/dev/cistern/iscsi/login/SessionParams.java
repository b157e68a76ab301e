package dev.cistern.iscsi.login;

/**
 * Operational parameters of a connection and its session as negotiated at login, starting from the
 * RFC 7143 defaults (section 13). Written by the login phase only; read-only in full feature phase.
 */
public final class SessionParams {
    /** The data segment size this target declares it can receive. */
    public static final int TARGET_MAX_RECV_DATA_SEGMENT = 262144;
    /** Upper bound the target accepts for MaxBurstLength and FirstBurstLength. */
    public static final int TARGET_MAX_BURST = 16 * 1024 * 1024;

    public boolean headerDigest;
    public boolean dataDigest;
    /** Largest data segment the initiator accepts: bounds our Data-In and text responses. */
    public int initiatorMaxRecvDataSegment = 8192;
    public int maxBurstLength = 262144;
    public int firstBurstLength = 65536;
    public boolean immediateData = true;
    public boolean initialR2T = true;
    public int maxOutstandingR2T = 1;
    public boolean dataPduInOrder = true;
    public boolean dataSequenceInOrder = true;
    public int defaultTime2Wait = 2;
    public int defaultTime2Retain = 0;
    public int errorRecoveryLevel = 0;
    public int maxConnections = 1;
}
