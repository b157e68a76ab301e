package dev.cistern.vtl.media;

/**
 * How a cartridge lives in the engine, all in one place. A library container holds, per cartridge
 * with barcode B:
 * <ul>
 *   <li>{@code cartridge/B} — an empty stream whose attributes are the cartridge record
 *       ({@code format}, {@code capacity}, {@code write-protect}, {@code created});</li>
 *   <li>{@code tape/B.data} — the payload of every logical block, back to back, chunked and deduplicated
 *       like any backup stream (so the same backup on two cartridges shares its chunks);</li>
 *   <li>{@code tape/B.objects} — the logical object index: one {@value #OBJECT_BYTES}-byte record per
 *       logical object (block or filemark) in tape order, so object {@code n} is at offset
 *       {@code 16 n}: data offset (8 bytes, big-endian), length (4), kind (1: 0 block, 1 filemark), 3 zero
 *       bytes;</li>
 *   <li>{@code tape/B.marks} — the object numbers of the filemarks, ascending, 8 bytes each, so spacing
 *       by filemarks and file numbers are binary searches.</li>
 * </ul>
 * Only a page of each index is ever held in memory, so a 2 TB cartridge costs no more RAM than a small
 * one. The library's element map is the entry {@value #LIBRARY_STATE}.
 */
public final class TapeFormat {
    /** Versioned format name in the cartridge record; bump on any layout change. */
    public static final String FORMAT = "CSTTAPE1";
    public static final int OBJECT_BYTES = 16;
    public static final int MARK_BYTES = 8;
    public static final String LIBRARY_STATE = "vtl/library-state";

    private TapeFormat() {
    }

    public static String record(String barcode) {
        return "cartridge/" + barcode;
    }

    public static String data(String barcode) {
        return "tape/" + barcode + ".data";
    }

    public static String objects(String barcode) {
        return "tape/" + barcode + ".objects";
    }

    public static String marks(String barcode) {
        return "tape/" + barcode + ".marks";
    }
}
