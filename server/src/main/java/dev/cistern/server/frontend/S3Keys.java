package dev.cistern.server.frontend;

import dev.cistern.s3.S3KeyStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one S3 access-key store of a data directory ({@code config/s3-keys}), shared by the S3 front end
 * (which checks signatures against it) and the REST API (which adds and revokes keys), so both see
 * every change at once.
 */
public final class S3Keys {
    private static final Map<Path, S3KeyStore> STORES = new ConcurrentHashMap<>();

    private S3Keys() {
    }

    public static S3KeyStore of(Path dataDir) {
        Path file = dataDir.toAbsolutePath().normalize().resolve("config").resolve("s3-keys");
        return STORES.computeIfAbsent(file, S3KeyStore::open);
    }
}
