package dev.cistern.iscsi.scsi;

import dev.cistern.engine.BlockVolume;
import dev.cistern.engine.EngineException;
import dev.cistern.iscsi.SanitizeStore;
import dev.cistern.iscsi.scsi.spc.Reservations;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A logical unit: a block volume (or, for other device types, a device object of their own, such as a
 * tape drive) plus the SCSI state that belongs to it (mode parameters, reservations) and the device
 * model's command table. Shared by every session that sees the LUN, so reservations made
 * on one session bind the others. Knows nothing of iSCSI.
 */
public final class LogicalUnit implements AutoCloseable {
    private final int number;
    private final BlockVolume volume;
    private final CommandTable commands;
    private final ModeState mode = new ModeState();
    private final Reservations reservations;
    private final String serial;
    /** The device behind a non-disk unit (tape drive, medium changer), or null for a disk. */
    private final Object device;
    /**
     * Writes take the read side, COMPARE AND WRITE the write side: it must see and replace the blocks
     * with no other write landing in between (VMware ATS relies on that).
     */
    private final ReentrantReadWriteLock atomicity = new ReentrantReadWriteLock();
    private final CommandBarrier running = new CommandBarrier();
    private final Sanitizing sanitizing;
    /** Initiator ports logged in to this unit's target: who must hear of a reset. */
    private final java.util.Set<String> nexuses = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** One pending unit attention per initiator port, reported on its next command (SAM-5 5.14). */
    private final java.util.Map<String, Sense> unitAttention = new java.util.concurrent.ConcurrentHashMap<>();

    /** A disk unit; {@code sanitize} keeps whether a sanitize of it did not complete across restarts. */
    public LogicalUnit(int number, BlockVolume volume, CommandTable commands, Reservations reservations,
                       SanitizeStore sanitize, String serial) {
        this.number = number;
        this.volume = volume;
        this.commands = commands;
        this.reservations = reservations;
        this.serial = serial;
        this.device = null;
        this.sanitizing = new Sanitizing(running, sanitize);
    }

    /** A unit of another device type: its handlers find their state through {@link #device(Class)}. */
    public LogicalUnit(int number, Object device, CommandTable commands, Reservations reservations, String serial) {
        this.number = number;
        this.volume = null;
        this.commands = commands;
        this.reservations = reservations;
        this.serial = serial;
        this.device = device;
        // SANITIZE is a disk command (SBC): other device types never start one
        this.sanitizing = new Sanitizing(running, SanitizeStore.inMemory());
    }

    /** The device object of a non-disk unit, as the type its device model expects. */
    public <T> T device(Class<T> type) {
        return type.cast(device);
    }

    public int number() {
        return number;
    }

    public BlockVolume volume() {
        return volume;
    }

    public CommandTable commands() {
        return commands;
    }

    public ModeState mode() {
        return mode;
    }

    public Reservations reservations() {
        return reservations;
    }

    /** Unit serial number (VPD 0x80), also the seed of the NAA identifier. */
    public String serial() {
        return serial;
    }

    public int blockSize() {
        return volume.blockSize();
    }

    /** Number of logical blocks. */
    public long blocks() {
        return volume.size() / volume.blockSize();
    }

    public boolean writeProtected() {
        return volume.readOnly() || mode.softwareWriteProtect;
    }

    public ReentrantReadWriteLock atomicity() {
        return atomicity;
    }

    public Sanitizing sanitizing() {
        return sanitizing;
    }

    /** Runs one command: reservation check, dispatch, and errors turned into sense. */
    public ScsiResponse execute(ScsiRequest request) {
        Command c = commands.lookup(request.cdb());
        String port = request.nexus().initiatorPort();
        int op = request.opcode();
        if (op == 0x03 && unitAttention.containsKey(port)) {
            // REQUEST SENSE returns the pending unit attention as its data, and so clears it (SPC-4 6.39)
            Sense ua = unitAttention.remove(port);
            if (ua != null) {
                boolean desc = (request.cdb()[1] & 0x01) != 0;
                return ScsiResponse.data(ua.encode(desc), request.cdb()[4] & 0xff);
            }
        } else {
            ScsiResponse ua = unitAttentionFor(op, port);
            if (ua != null) return ua;
        }
        Sense sanitize = op == 0x03 ? sanitizing.current() : null;
        if (sanitize != null) {
            // REQUEST SENSE reports a running or failed sanitize as its data (SBC-4 4.11)
            return ScsiResponse.data(sanitize.encode((request.cdb()[1] & 0x01) != 0), request.cdb()[4] & 0xff);
        }
        return sanitizing.admit(op, () -> {
            // again inside the barrier: a reset that finished while this command waited there set its unit
            // attention after the look above
            ScsiResponse ua = unitAttentionFor(op, port);
            return ua != null ? ua : dispatch(c, request);
        });
    }

    /**
     * CHECK CONDITION with the unit attention pending for {@code port} (taking it), or null; INQUIRY,
     * REPORT LUNS and REQUEST SENSE (which returns it as data) see none.
     */
    private ScsiResponse unitAttentionFor(int op, String port) {
        if (op == 0x12 || op == 0xa0 || op == 0x03) return null;
        Sense ua = unitAttention.remove(port);
        return ua == null ? null : ScsiResponse.checkCondition(ua);
    }

    private ScsiResponse dispatch(Command c, ScsiRequest request) {
        try {
            if (c == null) {
                // a known opcode with an unknown service action is a bad field, not an unknown command
                throw commands.hasServiceActions(request.opcode()) ? CheckCondition.invalidFieldInCdb()
                        : CheckCondition.invalidOpcode();
            }
            if (reservations.conflicts(request.nexus(), c)) {
                return ScsiResponse.status(ScsiStatus.RESERVATION_CONFLICT);
            }
            return c.handler().handle(this, request);
        } catch (CheckCondition cc) {
            return ScsiResponse.checkCondition(cc.sense());
        } catch (EngineException e) {
            return ScsiResponse.checkCondition(senseFor(e));
        } catch (IndexOutOfBoundsException e) {
            // a CDB shorter than its opcode needs (only possible with a malformed extended CDB)
            return ScsiResponse.checkCondition(CheckCondition.invalidFieldInCdb().sense());
        }
    }

    /** Results of EXTENDED COPY per "initiator port/list id", until read or the session ends. */
    private final java.util.Map<String, byte[]> copyResults = new java.util.concurrent.ConcurrentHashMap<>();

    public java.util.Map<String, byte[]> copyResults() {
        return copyResults;
    }

    /** A session to the target logged in: its nexus will hear of resets. */
    public void attach(ItNexus nexus) {
        nexuses.add(nexus.initiatorPort());
    }

    /** The session ended: no unit attention is kept for it, and its SPC-2 reservation is released. */
    public void detach(ItNexus nexus) {
        nexuses.remove(nexus.initiatorPort());
        unitAttention.remove(nexus.initiatorPort());
        copyResults.keySet().removeIf(k -> k.startsWith(nexus.initiatorPort() + "/"));
        reservations.nexusLost(nexus);
    }

    /**
     * LUN or target reset: drops SPC-2 reservations and tells every initiator port, the one that asked
     * for the reset included, on its next command that a reset happened (UNIT ATTENTION, BUS DEVICE
     * RESET FUNCTION OCCURRED, SAM-5 6.3.3); multipath initiators rely on seeing it on every path.
     * The caller must not be running a command of this unit.
     */
    public void reset() {
        // the reset completes only once the unit's commands of every session have (SAM-5 6.3.3); those
        // still waiting for Data-Out or their CmdSN are aborted by the sessions themselves. Its effects are
        // in place before any later command runs: one that waited for it sees the unit attention
        running.exclusive(() -> {
            reservations.reset();
            for (String port : nexuses) unitAttention.put(port, new Sense(Sense.UNIT_ATTENTION, 0x29, 0x03));
        });
    }

    /** Sense bytes in the format the control mode page asks for. */
    public byte[] encodeSense(Sense sense) {
        return sense.encode(mode.descriptorSense);
    }

    /** The sense a command ends with when the engine failed it. */
    public static Sense senseFor(EngineException e) {
        return switch (e.reason()) {
            case READ_ONLY -> CheckCondition.writeProtected().sense();
            case NO_SPACE, QUOTA_EXCEEDED -> CheckCondition.spaceAllocationFailed().sense();
            case DAMAGED -> new Sense(Sense.MEDIUM_ERROR, 0x11, 0x00); // unrecovered read error
            case INVALID_ARGUMENT -> CheckCondition.invalidFieldInCdb().sense();
            case LOCKED, CLOSED -> new Sense(Sense.NOT_READY, 0x04, 0x00); // logical unit not ready
            default -> CheckCondition.internalError().sense();
        };
    }

    @Override
    public void close() {
        if (volume != null) volume.close();
    }
}
