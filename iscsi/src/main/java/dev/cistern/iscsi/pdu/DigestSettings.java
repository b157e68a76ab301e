package dev.cistern.iscsi.pdu;

/**
 * Which digests a connection uses; both start off and switch on together in both directions once the
 * login phase ends (RFC 7143 section 13.1), hence mutable.
 */
public final class DigestSettings {
    private volatile boolean header;
    private volatile boolean data;
    private volatile int maxRecvDataSegment = 8192;

    public boolean header() {
        return header;
    }

    public boolean data() {
        return data;
    }

    /** Largest data segment this side accepts; bigger segments are a protocol error. */
    public int maxRecvDataSegment() {
        return maxRecvDataSegment;
    }

    public void set(boolean header, boolean data) {
        this.header = header;
        this.data = data;
    }

    public void maxRecvDataSegment(int n) {
        this.maxRecvDataSegment = n;
    }
}
