package dev.cistern.iscsi;

import dev.cistern.engine.BlockVolume;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.spc.Reservations;

import java.util.function.Supplier;

/**
 * One logical unit of a target.
 *
 * @param number       the LUN (0-16383, flat addressing)
 * @param volume       opens the backing volume; called once when the target first needs the LUN
 * @param reservations where persistent reservations of this LUN are kept across restarts
 * @param sanitize     where a disk LUN's unfinished sanitize is marked across restarts (unused by other types)
 * @param device       for LUNs that are not disks (tape drives, medium changers): builds the logical unit;
 *                     null for a disk over {@code volume}
 */
public record LunDefinition(int number, Supplier<BlockVolume> volume, ReservationStore reservations,
                            SanitizeStore sanitize, DeviceFactory device) {
    public LunDefinition {
        if (number < 0 || number > 16383) throw new IllegalArgumentException("LUN must be 0-16383, got " + number);
        if ((volume == null) == (device == null)) throw new IllegalArgumentException("LUN needs a volume or a device");
    }

    /** A disk LUN over a block volume. */
    public LunDefinition(int number, Supplier<BlockVolume> volume, ReservationStore reservations,
                         SanitizeStore sanitize) {
        this(number, volume, reservations, sanitize, null);
    }

    /** A LUN of another device type, built by {@code device}. */
    public static LunDefinition ofDevice(int number, ReservationStore reservations, DeviceFactory device) {
        return new LunDefinition(number, null, reservations, SanitizeStore.inMemory(), device);
    }

    /** Builds the logical unit of a non-disk LUN when a target first needs it. */
    @FunctionalInterface
    public interface DeviceFactory {
        LogicalUnit open(int number, Reservations reservations);
    }
}
