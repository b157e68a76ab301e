package dev.cistern.iscsi.scsi;

/**
 * SCSI sense data (SPC-4 section 4.5): what went wrong with a command that ended in CHECK CONDITION.
 *
 * @param key         sense key
 * @param asc         additional sense code
 * @param ascq        additional sense code qualifier
 * @param information the INFORMATION field (first bad LBA, miscompare offset, tape residue), or null
 * @param streamBits  the stream command bits of sequential-access devices (SSC-3 4.2.23): {@link #FILEMARK},
 *                    {@link #EOM}, {@link #ILI}; 0 for other device types
 * @param deferred    the error is about an earlier command that already completed with GOOD (SPC-4 4.5.5),
 *                    such as buffered tape writes the engine failed to store; the command that reports it
 *                    was not performed
 * @param keySpecific the SENSE KEY SPECIFIC field (SPC-4 4.5.2.4) without its SKSV bit, the 23 bits whose
 *                    meaning the sense key gives (for NOT READY a {@link #withProgress PROGRESS INDICATION}),
 *                    or null: SKSV 0
 */
public record Sense(int key, int asc, int ascq, Long information, int streamBits, boolean deferred,
                    Integer keySpecific) {
    public static final int FILEMARK = 0x80;
    public static final int EOM = 0x40;
    public static final int ILI = 0x20;
    public static final int NO_SENSE = 0x0;
    public static final int NOT_READY = 0x2;
    public static final int MEDIUM_ERROR = 0x3;
    public static final int HARDWARE_ERROR = 0x4;
    public static final int ILLEGAL_REQUEST = 0x5;
    public static final int UNIT_ATTENTION = 0x6;
    public static final int DATA_PROTECT = 0x7;
    public static final int ABORTED_COMMAND = 0xb;
    public static final int BLANK_CHECK = 0x8;
    public static final int VOLUME_OVERFLOW = 0xd;
    public static final int MISCOMPARE = 0xe;

    /** The largest PROGRESS INDICATION: the field is the numerator of a fraction of 65536. */
    public static final int PROGRESS_MAX = 0xffff;

    public Sense(int key, int asc, int ascq) {
        this(key, asc, ascq, null, 0);
    }

    public Sense(int key, int asc, int ascq, Long information) {
        this(key, asc, ascq, information, 0);
    }

    public Sense(int key, int asc, int ascq, Long information, int streamBits) {
        this(key, asc, ascq, information, streamBits, false, null);
    }

    public Sense {
        if (keySpecific != null && (keySpecific < 0 || keySpecific > 0x7fffff)) {
            throw new IllegalArgumentException("sense key specific field is 23 bits besides SKSV: " + keySpecific);
        }
    }

    /** The same error reported as a deferred one: response code 71h fixed, 73h descriptor. */
    public Sense asDeferred() {
        return new Sense(key, asc, ascq, information, streamBits, true, keySpecific);
    }

    public Sense withInformation(long value) {
        return new Sense(key, asc, ascq, value, streamBits, deferred, keySpecific);
    }

    /**
     * The same sense with a PROGRESS INDICATION (SPC-4 4.5.2.4.4, for NOT READY and NO SENSE): how much of
     * a long operation is done, as {@code fraction}/65536, 0 to {@link #PROGRESS_MAX}.
     */
    public Sense withProgress(int fraction) {
        if (fraction < 0 || fraction > PROGRESS_MAX) {
            throw new IllegalArgumentException("progress indication out of 0-65535: " + fraction);
        }
        return new Sense(key, asc, ascq, information, streamBits, deferred, fraction);
    }

    /** The PROGRESS INDICATION this sense carries, or -1 when its sense key specific field is not valid. */
    public int progress() {
        return keySpecific == null ? -1 : keySpecific & 0xffff;
    }

    /**
     * Encodes as fixed (70h, or 71h deferred) or descriptor (72h, or 73h deferred) format, as the control
     * mode page's D_SENSE asks.
     */
    public byte[] encode(boolean descriptor) {
        if (descriptor) {
            int descLen = (information == null ? 0 : 12) + (keySpecific == null ? 0 : 8) + (streamBits == 0 ? 0 : 4);
            byte[] b = new byte[8 + descLen];
            b[0] = (byte) (deferred ? 0x73 : 0x72);
            b[1] = (byte) key;
            b[2] = (byte) asc;
            b[3] = (byte) ascq;
            b[7] = (byte) descLen;
            int at = 8;
            if (information != null) {
                b[at] = 0x00; // information descriptor
                b[at + 1] = 0x0a;
                b[at + 2] = (byte) 0x80; // VALID
                Bytes.putLong(b, at + 4, information);
                at += 12;
            }
            if (keySpecific != null) {
                b[at] = 0x02; // sense key specific descriptor: the fixed format's bytes 15-17 at 4-6
                b[at + 1] = 0x06;
                putKeySpecific(b, at + 4);
                at += 8;
            }
            if (streamBits != 0) {
                b[at] = 0x04; // stream commands descriptor
                b[at + 1] = 0x02;
                b[at + 3] = (byte) streamBits;
            }
            return b;
        }
        byte[] b = new byte[18];
        // VALID: INFORMATION is set and its four bytes hold it (a residue may be negative, two's complement);
        // one that does not fit (an LBA past 2^32, gigabytes of lost tape writes) is left out, not cut
        boolean valid = information != null && information >= Integer.MIN_VALUE && information <= 0xffffffffL;
        b[0] = (byte) ((valid ? 0x80 : 0) | (deferred ? 0x71 : 0x70));
        b[2] = (byte) (key | streamBits);
        if (valid) Bytes.putInt(b, 3, (int) (long) information);
        b[7] = 10;
        b[12] = (byte) asc;
        b[13] = (byte) ascq;
        if (keySpecific != null) putKeySpecific(b, 15);
        return b;
    }

    /** SKSV and the 23 bits after it, in the three bytes at {@code at}. */
    private void putKeySpecific(byte[] b, int at) {
        b[at] = (byte) (0x80 | keySpecific >>> 16);
        Bytes.putShort(b, at + 1, keySpecific & 0xffff);
    }
}
