package dev.cistern.server.logs;

/**
 * How service log files roll: at {@code maxFileSize} bytes (and daily), gzipped, kept {@code maxHistoryDays}
 * days, at most {@code totalSizeCap} bytes of rolled files per log.
 */
public record LogPolicy(long maxFileSize, int maxHistoryDays, long totalSizeCap) {
    public static final LogPolicy DEFAULT = new LogPolicy(20L << 20, 14, 500L << 20);

    public LogPolicy {
        if (maxFileSize < 1024) throw new IllegalArgumentException("log maxFileSize must be at least 1 KiB, got " + maxFileSize);
        if (maxHistoryDays < 1) throw new IllegalArgumentException("log maxHistoryDays must be at least 1, got " + maxHistoryDays);
        if (totalSizeCap < maxFileSize) {
            throw new IllegalArgumentException("log totalSizeCap (" + totalSizeCap + ") must be at least maxFileSize (" + maxFileSize + ")");
        }
    }
}
