package dev.cistern.iscsi.scsi;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The sanitize state of a logical unit (SBC-4 4.11). While a sanitize operation runs, every command but
 * INQUIRY, REPORT LUNS and REQUEST SENSE ends in NOT READY, SANITIZE IN PROGRESS; after one failed, in
 * MEDIUM ERROR, SANITIZE COMMAND FAILED until a sanitize succeeds or, if the failed one allowed it
 * (AUSE), EXIT FAILURE MODE clears it.
 *
 * <p>Commands look at the state inside the unit's {@link CommandBarrier}; a sanitize sets the state first
 * and then waits at the barrier, so it starts only after every command admitted before it has finished,
 * and no write can land on the medium after the sanitize erased it. The state lives in
 * memory: a sanitize cut by a crash is not resumed at the next start, and failure mode does not survive
 * a restart.
 */
public final class Sanitizing {
    public static final int OPCODE = 0x48;
    public static final Sense IN_PROGRESS = new Sense(Sense.NOT_READY, 0x04, 0x1b);
    public static final Sense FAILED = new Sense(Sense.MEDIUM_ERROR, 0x31, 0x03);

    private final CommandBarrier commands;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean failed;
    /** The failed sanitize had AUSE set: EXIT FAILURE MODE may clear the failure. */
    private volatile boolean exitAllowed;

    Sanitizing(CommandBarrier commands) {
        this.commands = commands;
    }

    /** Runs a command unless the sanitize state refuses it. */
    ScsiResponse admit(int opcode, Supplier<ScsiResponse> command) {
        // REQUEST SENSE is answered by the unit itself while a sanitize runs or failed, see LogicalUnit
        if (opcode == 0x12 || opcode == 0xa0 || opcode == 0x03) return command.get();
        if (opcode == OPCODE) {
            // not under the lock: the sanitize itself takes the write side; the handler checks the state
            return running.get() ? ScsiResponse.checkCondition(IN_PROGRESS) : command.get();
        }
        return commands.run(() -> {
            Sense s = current();
            return s != null ? ScsiResponse.checkCondition(s) : command.get();
        });
    }

    /** What REQUEST SENSE reports now, or null when no sanitize runs or failed. */
    Sense current() {
        if (running.get()) return IN_PROGRESS;
        return failed ? FAILED : null;
    }

    /**
     * Starts a sanitize operation: returns once every command admitted before has finished.
     *
     * @throws CheckCondition NOT READY, SANITIZE IN PROGRESS when one already runs
     */
    public void begin() {
        if (!running.compareAndSet(false, true)) throw new CheckCondition(IN_PROGRESS);
        commands.await(); // the commands already running finish; later ones see running
    }

    /** The sanitize operation ended; {@code ause} is the AUSE bit of the command that asked for it. */
    public void end(boolean ok, boolean ause) {
        failed = !ok;
        exitAllowed = !ok && ause;
        running.set(false);
    }

    /** A sanitize failed and has not been cleared. */
    public boolean failed() {
        return failed;
    }

    /** Whether EXIT FAILURE MODE may clear the failure (the failed sanitize had AUSE set). */
    public boolean exitAllowed() {
        return exitAllowed;
    }

    /** EXIT FAILURE MODE: the unit answers commands again. */
    public void exitFailureMode() {
        failed = false;
        exitAllowed = false;
    }
}
