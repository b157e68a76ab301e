package dev.cistern.iscsi.scsi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Opcode (and service action) to handler: the device model's dispatch table, in the manner of tgt's
 * per-device-type tables. Filled by the SPC and SBC models at start-up, read-only afterwards.
 */
public final class CommandTable {
    private final Map<Integer, Command> byKey = new TreeMap<>();
    private final boolean[] hasServiceActions = new boolean[256];

    public CommandTable add(Command c) {
        byKey.put(key(c.opcode(), c.serviceAction()), c);
        if (c.serviceAction() >= 0) hasServiceActions[c.opcode()] = true;
        return this;
    }

    /** The command a CDB names, or null when this device does not implement it. */
    public Command lookup(byte[] cdb) {
        int op = cdb[0] & 0xff;
        int sa = hasServiceActions[op] && cdb.length > 1 ? cdb[1] & 0x1f : -1;
        return byKey.get(key(op, sa));
    }

    public Command lookup(int opcode, int serviceAction) {
        return byKey.get(key(opcode, serviceAction));
    }

    public boolean hasServiceActions(int opcode) {
        return hasServiceActions[opcode & 0xff];
    }

    /** Every command, ordered by opcode then service action. */
    public List<Command> all() {
        return Collections.unmodifiableList(new ArrayList<>(byKey.values()));
    }

    private static int key(int opcode, int sa) {
        return (opcode << 8) | (sa & 0xff);
    }
}
