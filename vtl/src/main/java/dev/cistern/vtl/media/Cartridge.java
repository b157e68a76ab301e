package dev.cistern.vtl.media;

import dev.cistern.engine.EngineException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A cartridge's record: its barcode (the volume tag the changer reports), native capacity in bytes and
 * write-protect tab.
 */
public record Cartridge(String barcode, long capacity, boolean writeProtected) {
    private static final Pattern BARCODE = Pattern.compile("[A-Z0-9]{1,32}");

    public Cartridge {
        if (barcode == null || !BARCODE.matcher(barcode).matches()) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "invalid barcode '" + barcode
                    + "': use 1-32 characters A-Z, 0-9 (e.g. CST001L5)");
        }
        if (capacity < 64 * 1024) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "capacity of cartridge " + barcode
                    + " must be at least 64 KiB, got " + capacity);
        }
    }

    /** Bytes of payload after which writes report early warning (SSC-3 4.2.5): the last 1/32 of the tape. */
    public long earlyWarning() {
        return capacity - capacity / 32;
    }

    Map<String, String> attributes(long createdMillis) {
        return Map.of("format", TapeFormat.FORMAT, "capacity", Long.toString(capacity),
                "write-protect", Boolean.toString(writeProtected), "created", Long.toString(createdMillis));
    }

    static Cartridge fromAttributes(String barcode, Map<String, String> a) {
        if (!TapeFormat.FORMAT.equals(a.get("format"))) {
            throw new EngineException(EngineException.Reason.DAMAGED, "cartridge " + barcode
                    + " has unknown format '" + a.get("format") + "'");
        }
        return new Cartridge(barcode, Long.parseLong(a.get("capacity")), Boolean.parseBoolean(a.get("write-protect")));
    }
}
