package dev.cistern.iscsi.session;

/** The 8-byte iSCSI LUN field (SAM-5 4.6): peripheral and flat-space addressing of single-level LUNs. */
final class Lun {
    private Lun() {
    }

    /** The LUN number, or -1 for an addressing method this target does not use. */
    static int decode(long field) {
        if ((field & 0x0000ffffffffffffL) != 0) return -1; // multi-level LUNs
        int b0 = (int) (field >>> 56) & 0xff;
        int b1 = (int) (field >>> 48) & 0xff;
        return switch (b0 >>> 6) {
            case 0 -> b0 == 0 ? b1 : -1;
            case 1 -> ((b0 & 0x3f) << 8) | b1;
            default -> -1;
        };
    }
}
