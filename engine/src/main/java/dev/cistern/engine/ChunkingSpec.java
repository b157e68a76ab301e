package dev.cistern.engine;

/**
 * Content-defined chunk size bounds for streams (FastCDC), in bytes. Avg must be a power of two,
 * min &lt; avg &lt; max, and max at most 1 MiB.
 */
public record ChunkingSpec(int minSize, int avgSize, int maxSize) {
    public static final ChunkingSpec DEFAULT = new ChunkingSpec(2 * 1024, 8 * 1024, 64 * 1024);

    public ChunkingSpec {
        if (minSize < 64 || avgSize <= minSize || maxSize <= avgSize || maxSize > 1024 * 1024
                || Integer.bitCount(avgSize) != 1) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "invalid chunking " + minSize + "/" + avgSize + "/" + maxSize
                            + ": need 64 <= min < avg < max <= 1 MiB with avg a power of two");
        }
    }
}
