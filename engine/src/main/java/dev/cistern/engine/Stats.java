package dev.cistern.engine;

/**
 * Space and traffic figures for the whole engine, a storage group or a container.
 *
 * @param logicalBytes  bytes as the clients see them (sum of entry sizes; mapped bytes for volumes)
 * @param uniqueBytes   bytes of distinct chunks before compression
 * @param storedBytes   bytes of chunks after compression and encryption, as on disk
 * @param chunkCount    distinct chunks
 * @param bytesWritten  bytes received from clients since the server started
 * @param bytesRead     bytes served to clients since the server started
 *
 * <p>For a container, unique, stored and chunk figures count the chunks that container stored first: a
 * container whose data is all found in another one's chunks adds no unique bytes (its savings are 100%,
 * its dedup ratio reads 1.0 as nothing is attributed to it); the group and engine figures count each
 * chunk once.
 */
public record Stats(long logicalBytes, long uniqueBytes, long storedBytes, long chunkCount,
                    long bytesWritten, long bytesRead) {
    public static final Stats EMPTY = new Stats(0, 0, 0, 0, 0, 0);

    /** logical / unique; 1.0 when nothing is stored. */
    public double dedupRatio() {
        return uniqueBytes == 0 ? 1.0 : (double) logicalBytes / uniqueBytes;
    }

    /** unique / stored; 1.0 when nothing is stored. */
    public double compressionRatio() {
        return storedBytes == 0 ? 1.0 : (double) uniqueBytes / storedBytes;
    }

    /** Share of logical bytes not needing space, in percent. */
    public double savingsPercent() {
        return logicalBytes == 0 ? 0.0 : Math.max(0.0, 100.0 * (1.0 - (double) storedBytes / logicalBytes));
    }
}
