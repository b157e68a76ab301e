package dev.cistern.engine;

/** Per storage group compression of chunks; a chunk is stored raw when compressing it does not pay. */
public enum Compression {
    /** Store chunks raw. */
    NONE,
    /** LZ4: cheap, ~2 GB/s per core decompression. */
    FAST,
    /** Zstandard: smaller, slower. */
    BEST
}
