package dev.cistern.iscsi.scsi;

/**
 * The I_T nexus a command arrived on: which initiator port talks to which target port. For iSCSI the
 * initiator port is the initiator name plus the session's ISID (RFC 7143 section 4.4.1), which is
 * what persistent reservations and RESERVE key on.
 */
public record ItNexus(String initiatorName, String isid, String targetName) {
    /** The iSCSI initiator port name "iqn...,i,0x<isid>" used in PR transport IDs. */
    public String initiatorPort() {
        return initiatorName + ",i,0x" + isid;
    }
}
