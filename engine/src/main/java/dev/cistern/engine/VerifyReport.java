package dev.cistern.engine;

import java.time.Duration;
import java.util.List;

/**
 * What one verify run found.
 *
 * @param damagedEntries every entry that references damaged or missing data, as "container/entry"
 * @param chunksChecksumOnly chunks of encrypted groups still locked: their records' checksums were checked,
 *                           but they could not be decrypted, nor (keyed ids) hashed to their ids, to check
 *                           their fingerprints without the group's keys (unlock, then verify)
 */
public record VerifyReport(long containersChecked, long chunksChecked, long bytesChecked, long damagedChunks,
                           List<String> damagedContainers, List<String> damagedEntries, long chunksChecksumOnly,
                           Duration took) {
    public boolean clean() {
        return damagedChunks == 0 && damagedContainers.isEmpty() && damagedEntries.isEmpty();
    }
}
