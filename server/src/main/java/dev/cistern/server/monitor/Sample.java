package dev.cistern.server.monitor;

/**
 * One reading of a subject's counters. Space figures are gauges; {@code bytesWritten} and {@code bytesRead}
 * are counters since the engine started, which the database turns into rates.
 *
 * @param freeBytes free space of the data directory, or -1 where it does not apply (groups, containers)
 */
public record Sample(long logicalBytes, long uniqueBytes, long storedBytes, long freeBytes, long bytesWritten,
                     long bytesRead) {
}
