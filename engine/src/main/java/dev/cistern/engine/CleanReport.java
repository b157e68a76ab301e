package dev.cistern.engine;

import java.time.Duration;

/** What one cleaner run did. */
public record CleanReport(long containersScanned, long containersRewritten, long containersDeleted,
                          long chunksFreed, long bytesReclaimed, long liveBytesCopied, Duration took) {
}
