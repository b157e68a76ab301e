package dev.cistern.iscsi.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Which commands of a connection may run at the same time. Block reads and writes run concurrently
 * unless their LBA ranges overlap and one of them writes; such a command waits (holding up the reader
 * thread, so nothing later overtakes it) until the earlier conflicting ones finish. Commands without a
 * block range (mode pages, reservations, UNMAP, SYNCHRONIZE CACHE...) are barriers: they wait for all
 * running commands and run alone. So data is always seen in CmdSN order, while independent I/O overlaps
 * (SAM-5 allows any order among SIMPLE tasks; this keeps the stronger, intuitive order anyway).
 */
final class TaskOrdering {
    /** A running command's block range on one LUN, [start, end) in blocks. */
    record Slot(int lun, long start, long end, boolean write) {
        boolean conflicts(Slot o) {
            return lun == o.lun && (write || o.write) && start < o.end && o.start < end;
        }
    }

    private final List<Slot> running = new ArrayList<>();

    /** Waits until {@code s} conflicts with no running command, then records it as running. */
    synchronized void admit(Slot s) throws InterruptedException {
        while (running.stream().anyMatch(s::conflicts)) wait();
        running.add(s);
    }

    synchronized void done(Slot s) {
        running.remove(s);
        notifyAll();
    }

    /** Waits until nothing runs: the start of a barrier command. */
    synchronized void drain() throws InterruptedException {
        while (!running.isEmpty()) wait();
    }
}
