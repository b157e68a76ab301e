package dev.cistern.vtl.smc;

import dev.cistern.vtl.library.Library;
import dev.cistern.vtl.scsi.Identity;

/** The medium changer of a library as its logical unit sees it: the library and the identity it presents. */
public record Changer(Library library, Identity identity) {
    public static final String VENDOR = "STK";
    public static final String PRODUCT = "L700";
    public static final String REVISION = "0107";

    public static Changer of(Library library) {
        return new Changer(library, new Identity(0x08, false, VENDOR, PRODUCT, REVISION, library.changerSerial(),
                0x0480));
    }
}
