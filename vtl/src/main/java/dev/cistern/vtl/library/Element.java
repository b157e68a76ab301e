package dev.cistern.vtl.library;

/**
 * One element of the library as it stands.
 *
 * @param barcode  the cartridge in it, or null when empty
 * @param source   the element the cartridge last came from (SMC-3 SVALID/SOURCE STORAGE ELEMENT ADDRESS), or -1
 * @param imported for import/export elements: true when the operator put the cartridge in (IMPEXP)
 */
public record Element(ElementType type, int address, String barcode, int source, boolean imported) {
    public boolean full() {
        return barcode != null;
    }

    Element with(String newBarcode, int newSource, boolean newImported) {
        return new Element(type, address, newBarcode, newSource, newImported);
    }
}
