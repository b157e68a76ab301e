/**
 * Cistern's iSCSI target (RFC 7143) exporting engine block volumes as SBC-3 disks.
 *
 * <p>Three layers, as in tgt: the transport ({@code pdu}: framing and digests; {@code login}: negotiation
 * and CHAP; {@code session}: connections, CmdSN ordering, R2T/Data-Out, task management) hands SCSI
 * commands as {@link dev.cistern.iscsi.scsi.ScsiRequest}s to a device model ({@code scsi.spc} shared
 * commands, {@code scsi.sbc} block commands; each registers opcode handlers in a
 * {@link dev.cistern.iscsi.scsi.CommandTable}), which works on an engine
 * {@link dev.cistern.engine.BlockVolume}. The device models know nothing of iSCSI; the engine knows
 * nothing of SCSI.
 *
 * <p>Wiring: a {@link dev.cistern.iscsi.TargetCatalog} says what is exported
 * ({@link dev.cistern.iscsi.EngineTargetCatalog} reads it from the engine's iscsi containers) and
 * {@link dev.cistern.iscsi.IscsiTarget} listens.
 */
package dev.cistern.iscsi;
