package dev.cistern.iscsi.session;

import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.scsi.LogicalUnit;

import java.io.IOException;

/**
 * Task management functions (RFC 7143 section 11.5). Running commands are waited for, so the only tasks
 * left to abort are those still waiting for Data-Out or queued out of CmdSN order; ABORT TASK SET, CLEAR
 * TASK SET and the resets abort both kinds (the queued ones keep their CmdSN, see Connection).
 * Resets clear SPC-2 reservations (persistent ones survive, as SPC-4 requires) and abort the unit's
 * waiting and queued tasks of the other sessions too (SAM-5), and answer only once the unit's commands
 * running in those sessions have finished (see LogicalUnit#reset); the sessions learn of it from the UNIT ATTENTION;
 * a cold reset also drops every session of the target.
 */
final class TaskManagement {
    static final int ABORT_TASK = 1;
    static final int ABORT_TASK_SET = 2;
    static final int CLEAR_ACA = 3;
    static final int CLEAR_TASK_SET = 4;
    static final int LOGICAL_UNIT_RESET = 5;
    static final int TARGET_WARM_RESET = 6;
    static final int TARGET_COLD_RESET = 7;
    static final int TASK_REASSIGN = 8;

    static final int COMPLETE = 0;
    static final int NO_TASK = 1;
    static final int NO_LUN = 2;
    static final int REASSIGN_NOT_SUPPORTED = 4;
    static final int NOT_SUPPORTED = 5;
    static final int REJECTED = 255;

    private final Connection conn;

    TaskManagement(Connection conn) {
        this.conn = conn;
    }

    void handle(Pdu p) throws IOException {
        conn.tasks().drain(); // running reads complete before the function takes effect
        int function = p.flags() & 0x7f;
        int lun = Lun.decode(p.lun());
        int response = switch (function) {
            case ABORT_TASK -> abortTask(p);
            case ABORT_TASK_SET, CLEAR_TASK_SET -> {
                if (!conn.luns().containsKey(lun)) yield NO_LUN;
                conn.tasks().abortLun(lun);
                conn.dropWaitingCommands(lun, p.getInt(24));
                yield COMPLETE;
            }
            case CLEAR_ACA -> conn.luns().containsKey(lun) ? COMPLETE : NO_LUN;
            case LOGICAL_UNIT_RESET -> {
                LogicalUnit lu = conn.luns().get(lun);
                if (lu == null) yield NO_LUN;
                conn.tasks().abortLun(lun);
                conn.dropWaitingCommands(lun, p.getInt(24));
                lu.reset();
                abortElsewhere(java.util.List.of(lu));
                yield COMPLETE;
            }
            case TARGET_WARM_RESET, TARGET_COLD_RESET -> {
                conn.tasks().abortAll();
                conn.dropWaitingCommands(-1, p.getInt(24));
                var units = conn.targetLuns().current(conn.target().iqn()).values();
                units.forEach(LogicalUnit::reset);
                abortElsewhere(units);
                yield COMPLETE;
            }
            case TASK_REASSIGN -> REASSIGN_NOT_SUPPORTED;
            default -> REJECTED;
        };
        Pdu r = Pdu.of(Opcode.TASK_MGMT_RESPONSE).flags(0x80).putByte(2, response).itt(p.itt());
        conn.send(r, true);
        if (function == TARGET_COLD_RESET) {
            // a cold reset ends every I_T nexus of the target, ours last so the response above goes out
            for (Connection c : conn.registry().connections()) {
                if (c != conn && c.info().targetIqn().equalsIgnoreCase(conn.target().iqn())) c.close();
            }
            conn.closeAfterResponse();
        }
    }

    /**
     * SAM-5: a reset aborts the unit's tasks of every I_T nexus, not only the requester's; the other
     * sessions drop theirs before they handle their next PDU (see {@link Connection#unitResetElsewhere}).
     */
    private void abortElsewhere(java.util.Collection<LogicalUnit> units) {
        for (Connection c : conn.registry().connections()) {
            if (c == conn) continue;
            for (LogicalUnit lu : units) c.unitResetElsewhere(lu);
        }
    }

    private int abortTask(Pdu p) {
        int rtt = p.getInt(20);
        if (conn.tasks().abort(rtt) || conn.dropWaiting(rtt)) return COMPLETE;
        // commands run to completion as they arrive: one not found has already answered, and the
        // initiator must learn that it was not aborted
        return NO_TASK;
    }
}
