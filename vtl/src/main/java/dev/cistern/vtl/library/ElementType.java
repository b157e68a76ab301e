package dev.cistern.vtl.library;

/** SMC-3 element types (table 11), with the type codes READ ELEMENT STATUS uses. */
public enum ElementType {
    TRANSPORT(1), STORAGE(2), IMPORT_EXPORT(3), DATA_TRANSFER(4);

    private final int code;

    ElementType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
