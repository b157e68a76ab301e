package dev.cistern.server.frontend;

import dev.cistern.s3.S3Credentials;
import dev.cistern.s3.S3KeyStore;
import dev.cistern.server.config.ConfigService;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one S3 access-key store of a data directory ({@code config/s3-keys}), shared by the S3 front end
 * (which checks signatures against it) and the REST API (which adds and revokes keys), so both see
 * every change at once; and the rule that keys belong to users: a user's keys go with the user, and a
 * key whose user is gone signs nothing (a crash between deleting a user and revoking the keys leaves
 * them; they are dropped at the next open, before a new user of the same name could inherit them).
 */
public final class S3Keys {
    private static final Map<Path, S3KeyStore> STORES = new ConcurrentHashMap<>();

    private final S3KeyStore store;
    private final ConfigService users;

    private S3Keys(S3KeyStore store, ConfigService users) {
        this.store = store;
        this.users = users;
    }

    public static S3Keys of(Path dataDir, ConfigService users) {
        Path file = dataDir.toAbsolutePath().normalize().resolve("config").resolve("s3-keys");
        S3KeyStore store = STORES.computeIfAbsent(file, f -> {
            S3KeyStore s = S3KeyStore.open(f);
            s.retainUsers(users::exists);
            return s;
        });
        return new S3Keys(store, users);
    }

    public S3KeyStore store() {
        return store;
    }

    /** A new key for {@code user}, who must exist: checked and added under the lock a deletion takes. */
    public S3KeyStore.Key add(String user) {
        synchronized (store) {
            users.user(user); // NOT_FOUND for an unknown user
            return store.add(user);
        }
    }

    /** Deletes a user and revokes the user's keys. */
    public void deleteUser(String user) {
        synchronized (store) {
            users.deleteUser(user);
            store.revokeUser(user);
        }
    }

    /** What the S3 server checks signatures against: the keys of users that exist. */
    public S3Credentials credentials() {
        return id -> store.lookup(id).filter(k -> users.exists(k.user()));
    }
}
