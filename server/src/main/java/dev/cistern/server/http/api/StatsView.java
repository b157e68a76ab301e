package dev.cistern.server.http.api;

import dev.cistern.engine.Stats;

/** Engine {@link Stats} with the derived ratios computed, as the API shows them. */
record StatsView(long logicalBytes, long uniqueBytes, long storedBytes, long chunkCount, long bytesWritten,
                 long bytesRead, double dedupRatio, double compressionRatio, double savingsPercent) {
    static StatsView of(Stats s) {
        return new StatsView(s.logicalBytes(), s.uniqueBytes(), s.storedBytes(), s.chunkCount(), s.bytesWritten(),
                s.bytesRead(), round(s.dedupRatio()), round(s.compressionRatio()), round(s.savingsPercent()));
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }
}
