package dev.cistern.s3;

import java.time.Clock;
import java.time.Duration;

/**
 * Settings of the S3 front end.
 *
 * @param groupName   storage group new buckets go into (created when missing)
 * @param region      region name reported by GetBucketLocation (signatures for any region are accepted)
 * @param domain      base domain for virtual-host-style addressing ("bucket.domain"), or null for path style only
 * @param maxClockSkew largest accepted difference between request time and server time
 */
public record S3Config(String groupName, String region, String domain, Duration maxClockSkew, Clock clock) {
    public S3Config {
        if (groupName == null) groupName = "default";
        if (region == null) region = "us-east-1";
        if (maxClockSkew == null) maxClockSkew = Duration.ofMinutes(15);
        if (clock == null) clock = Clock.systemUTC();
    }

    public static S3Config defaults() {
        return new S3Config("default", "us-east-1", null, Duration.ofMinutes(15), Clock.systemUTC());
    }

    public S3Config withDomain(String d) {
        return new S3Config(groupName, region, d, maxClockSkew, clock);
    }

    public S3Config withGroup(String g) {
        return new S3Config(g, region, domain, maxClockSkew, clock);
    }

    public S3Config withClock(Clock c) {
        return new S3Config(groupName, region, domain, maxClockSkew, c);
    }
}
