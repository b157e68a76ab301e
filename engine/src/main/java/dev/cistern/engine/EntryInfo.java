package dev.cistern.engine;

import java.time.Instant;
import java.util.Map;

/**
 * One entry of a container: a stream (file, object, tape) or a block volume (LUN).
 *
 * @param blockSize the volume's logical block size; 0 for streams
 * @param attributes small string attributes the front end stored with the entry (content type, ETag...)
 */
public record EntryInfo(String name, Kind kind, long size, int blockSize, Instant modifiedAt,
                        Map<String, String> attributes) {
    public enum Kind { STREAM, VOLUME }
}
