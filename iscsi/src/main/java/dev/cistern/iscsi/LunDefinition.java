package dev.cistern.iscsi;

import dev.cistern.engine.BlockVolume;

import java.util.function.Supplier;

/**
 * One logical unit of a target.
 *
 * @param number       the LUN (0-16383, flat addressing)
 * @param volume       opens the backing volume; called once when the target first needs the LUN
 * @param reservations where persistent reservations of this LUN are kept across restarts
 */
public record LunDefinition(int number, Supplier<BlockVolume> volume, ReservationStore reservations) {
    public LunDefinition {
        if (number < 0 || number > 16383) throw new IllegalArgumentException("LUN must be 0-16383, got " + number);
    }
}
