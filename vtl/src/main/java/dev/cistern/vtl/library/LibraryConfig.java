package dev.cistern.vtl.library;

import dev.cistern.engine.EngineException;
import java.util.Map;

/**
 * The shape of a library, from its container's properties: {@code vtl.drives} (1-64, default 2),
 * {@code vtl.slots} (1-4000, default 40), {@code vtl.mailslots} (0-64, default 4), {@code vtl.drive-model}
 * (TD5 or TD6). Element addresses: transport 1, drives from {@value #FIRST_DRIVE}, import/export from
 * {@value #FIRST_MAILSLOT}, storage from {@value #FIRST_SLOT}.
 */
public record LibraryConfig(int drives, int slots, int mailslots, DriveModelSpec driveModel) {
    public static final int TRANSPORT = 1;
    public static final int FIRST_DRIVE = 0x100;
    public static final int FIRST_MAILSLOT = 0x300;
    public static final int FIRST_SLOT = 0x1000;

    public LibraryConfig {
        check("vtl.drives", drives, 1, 64);
        check("vtl.slots", slots, 1, 4000);
        check("vtl.mailslots", mailslots, 0, 64);
        if (driveModel == null) driveModel = DriveModelSpec.TD5;
    }

    public static LibraryConfig fromProperties(Map<String, String> p) {
        try {
            return new LibraryConfig(Integer.parseInt(p.getOrDefault("vtl.drives", "2")),
                    Integer.parseInt(p.getOrDefault("vtl.slots", "40")),
                    Integer.parseInt(p.getOrDefault("vtl.mailslots", "4")),
                    DriveModelSpec.parse(p.get("vtl.drive-model")));
        } catch (IllegalArgumentException e) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, "invalid library properties: "
                    + e.getMessage());
        }
    }

    public Map<String, String> toProperties() {
        return Map.of("vtl.drives", Integer.toString(drives), "vtl.slots", Integer.toString(slots),
                "vtl.mailslots", Integer.toString(mailslots), "vtl.drive-model", driveModel.name());
    }

    private static void check(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT, name + " must be " + min + "-" + max
                    + ", got " + v);
        }
    }
}
