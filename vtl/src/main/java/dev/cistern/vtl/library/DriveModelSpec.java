package dev.cistern.vtl.library;

/**
 * The tape drive models the library can emulate: INQUIRY identity and the LTO density codes of SSC-3
 * annex A / the IBM LTO SCSI reference (0x58 LTO-5, 0x5A LTO-6).
 */
public enum DriveModelSpec {
    TD5("IBM", "ULT3580-TD5", "H6T0", 0x58, "LTO-5", 1_500_000L),
    TD6("IBM", "ULT3580-TD6", "J451", 0x5a, "LTO-6", 2_500_000L);

    private final String vendor;
    private final String product;
    private final String revision;
    private final int density;
    private final String densityName;
    private final long capacityMb;

    DriveModelSpec(String vendor, String product, String revision, int density, String densityName,
                   long capacityMb) {
        this.vendor = vendor;
        this.product = product;
        this.revision = revision;
        this.density = density;
        this.densityName = densityName;
        this.capacityMb = capacityMb;
    }

    public String vendor() {
        return vendor;
    }

    public String product() {
        return product;
    }

    public String revision() {
        return revision;
    }

    public int density() {
        return density;
    }

    public String densityName() {
        return densityName;
    }

    public long nativeCapacityMb() {
        return capacityMb;
    }

    /** "TD5", "td6", "IBM ULT3580-TD5"... */
    public static DriveModelSpec parse(String s) {
        if (s == null || s.isBlank()) return TD5;
        String u = s.trim().toUpperCase(java.util.Locale.ROOT);
        for (DriveModelSpec m : values()) {
            if (u.equals(m.name()) || u.endsWith(m.product()) || u.endsWith("-" + m.name())) return m;
        }
        throw new IllegalArgumentException("unknown drive model '" + s + "': use TD5 or TD6");
    }
}
