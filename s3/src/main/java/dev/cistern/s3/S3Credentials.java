package dev.cistern.s3;

import java.util.Optional;

/**
 * Where the S3 server looks up the secret of an access key. The server implements it from its user
 * store; {@link S3KeyStore} is the file-backed implementation of this module.
 */
public interface S3Credentials {
    /** The key with this id, or empty when it is unknown or revoked. */
    Optional<Key> lookup(String accessKeyId);

    /** An access key: its id, its secret and the user it acts for. */
    record Key(String accessKeyId, String secretKey, String user) {
        @Override
        public String toString() {
            return "Key[" + accessKeyId + " of " + user + "]";
        }
    }
}
