package dev.cistern.engine;

import java.time.Duration;

/**
 * What one cleaner run did. {@code containersDamaged} were left in place because a live record in them
 * failed its checksum (run verify to name the entries affected); the rest of the run went on.
 */
public record CleanReport(long containersScanned, long containersRewritten, long containersDeleted,
                          long chunksFreed, long bytesReclaimed, long liveBytesCopied, long containersDamaged, Duration took) {
}
