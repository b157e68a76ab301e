package dev.cistern.iscsi.session;

import dev.cistern.iscsi.pdu.Pdu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unsolicited Data-Out of write commands still queued for their CmdSN turn. With InitialR2T=No the
 * initiator sends a command's unsolicited data right after the command, whether or not the command can
 * run yet; dropped, it left a command without the F bit waiting for data that had already come, holding
 * its write buffer until the connection ended. Kept here by ITT, counted in the connection's write
 * budget, and handed back (the budget with it) when the command runs or is aborted. Owned by the
 * connection's reader thread only.
 */
final class QueuedDataOut {
    /** A Data-Out as received; {@code corrupt} when its data digest failed (the header still counts). */
    record Held(Pdu pdu, boolean corrupt) {
    }

    private final Map<Integer, List<Held>> byItt = new HashMap<>();
    private final DataBudget budget;

    QueuedDataOut(DataBudget budget) {
        this.budget = budget;
    }

    /** Keeps {@code p} for its command; false (nothing kept) when the write budget cannot take its data. */
    boolean hold(Pdu p, boolean corrupt) {
        if (!budget.tryTake(CommandMemory.held(p.data().length))) return false;
        byItt.computeIfAbsent(p.itt(), k -> new ArrayList<>()).add(new Held(p, corrupt));
        return true;
    }

    /** The Data-Out kept for {@code itt}, in arrival order, no longer counted in the budget. */
    List<Held> take(int itt) {
        List<Held> held = byItt.remove(itt);
        if (held == null) return List.of();
        for (Held h : held) budget.give(CommandMemory.held(h.pdu().data().length));
        return held;
    }

    /** The connection ended: everything kept gives its budget back. */
    void clear() {
        for (Integer itt : List.copyOf(byItt.keySet())) take(itt);
    }
}
