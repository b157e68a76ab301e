package dev.cistern.iscsi.scsi;

/** Executes one SCSI opcode for a logical unit. Throws {@link CheckCondition} for errors with sense. */
@FunctionalInterface
public interface CommandHandler {
    ScsiResponse handle(LogicalUnit lu, ScsiRequest request);
}
