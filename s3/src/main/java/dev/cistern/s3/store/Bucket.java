package dev.cistern.s3.store;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerInfo;
import java.time.Instant;
import java.util.Map;

/**
 * A bucket: an engine container of protocol "s3" whose properties hold the bucket's settings
 * ({@code owner, versioning, lock, lock.mode, lock.days, lock.years, tags}).
 */
public record Bucket(ContainerInfo info, ContainerHandle handle) {
    public String name() {
        return info.name();
    }

    public String owner() {
        return info.properties().getOrDefault("owner", "");
    }

    public Instant createdAt() {
        return info.createdAt();
    }

    public Map<String, String> props() {
        return info.properties();
    }

    /** "Enabled", "Suspended" or null when versioning was never turned on. */
    public String versioning() {
        return info.properties().get("versioning");
    }

    public boolean versioningEnabled() {
        return "Enabled".equals(versioning());
    }

    public boolean objectLockEnabled() {
        return "Enabled".equals(info.properties().get("lock"));
    }
}
