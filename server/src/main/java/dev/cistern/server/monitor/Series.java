package dev.cistern.server.monitor;

import java.util.List;
import java.util.Map;

/**
 * A chart's data: shared timestamps (epoch seconds) and one value list per metric, null where nothing was
 * recorded (the server was down, or the subject did not exist yet).
 *
 * @param stepSeconds seconds between points
 */
public record Series(String subject, String range, long stepSeconds, List<Long> timestamps,
                     Map<String, List<Double>> values) {
}
