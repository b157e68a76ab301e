package dev.cistern.engine;

import java.time.Duration;
import java.util.List;

/**
 * What one verify run found.
 *
 * @param damagedEntries every entry that references damaged or missing data, as "container/entry"
 */
public record VerifyReport(long containersChecked, long chunksChecked, long bytesChecked, long damagedChunks,
                           List<String> damagedContainers, List<String> damagedEntries, Duration took) {
    public boolean clean() {
        return damagedChunks == 0 && damagedContainers.isEmpty() && damagedEntries.isEmpty();
    }
}
