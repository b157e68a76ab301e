package dev.cistern.s3.store;

import java.security.SecureRandom;
import java.time.Instant;

/**
 * Version ids that sort newest first as plain strings: 16 hex digits of (Long.MAX_VALUE - microseconds
 * since the epoch) and 8 random hex digits against ties. Names of noncurrent versions therefore list in
 * the order ListObjectVersions must return them.
 */
public final class VersionIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private VersionIds() {
    }

    public static String next(Instant now) {
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        return String.format("%016x%08x", Long.MAX_VALUE - micros, RANDOM.nextInt());
    }
}
