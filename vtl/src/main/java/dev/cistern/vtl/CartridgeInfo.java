package dev.cistern.vtl;

/**
 * A cartridge as REST and CLI list it.
 *
 * @param location "slot", "drive", "mailslot" or "exported"
 * @param address  element address, or -1 when exported
 */
public record CartridgeInfo(String barcode, long capacity, long usedBytes, boolean writeProtected, String location,
                            int address) {
}
