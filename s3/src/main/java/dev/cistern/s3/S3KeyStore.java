package dev.cistern.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Access keys kept in one text file, one key a line: {@code accessKeyId secretKey user}. Every change
 * rewrites the file to a temporary name, forces it and renames it over the old one, so a crash leaves
 * either the old or the new set of keys, never a torn file. The file holds secrets: it is created
 * readable by its owner only where the file system supports POSIX permissions.
 */
public final class S3KeyStore implements S3Credentials {
    private static final String ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private final Path file;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Key> keys = new LinkedHashMap<>();

    private S3KeyStore(Path file) {
        this.file = file;
    }

    /** Opens the store at {@code file}; a missing file is an empty store, created at the first change. */
    public static S3KeyStore open(Path file) {
        S3KeyStore store = new S3KeyStore(file);
        if (Files.exists(file)) {
            try {
                int lineNo = 0;
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    lineNo++;
                    if (line.isBlank() || line.startsWith("#")) continue;
                    String[] f = line.trim().split(" ");
                    if (f.length != 3) {
                        throw new IllegalStateException("S3 key file " + file + " line " + lineNo
                                + " is not 'accessKeyId secretKey user'; fix or remove that line");
                    }
                    store.keys.put(f[0], new Key(f[0], f[1], f[2]));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read S3 key file " + file, e);
            }
        }
        return store;
    }

    /** Creates a new random key for {@code user} and saves it. */
    public synchronized Key add(String user) {
        if (user == null || !user.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new IllegalArgumentException("invalid user name '" + user
                    + "' for an S3 key: use 1-64 characters A-Z a-z 0-9 . _ @ -");
        }
        String id;
        do {
            id = "CK" + randomString(ID_ALPHABET, 18);
        } while (keys.containsKey(id));
        Key key = new Key(id, randomString(SECRET_ALPHABET, 40), user);
        change(next -> next.put(key.accessKeyId(), key));
        return key;
    }

    /** Adds a key with a given id and secret (imports, tests); replaces a key of the same id. */
    public synchronized Key put(String accessKeyId, String secretKey, String user) {
        if (!accessKeyId.matches("[A-Za-z0-9]{3,128}") || secretKey.isEmpty() || secretKey.contains(" ")) {
            throw new IllegalArgumentException("invalid access key id or secret for user " + user);
        }
        Key key = new Key(accessKeyId, secretKey, user);
        change(next -> next.put(accessKeyId, key));
        return key;
    }

    /** The keys of {@code user}, or of all users when it is null. */
    public synchronized List<Key> list(String user) {
        List<Key> out = new ArrayList<>();
        for (Key k : keys.values()) {
            if (user == null || k.user().equals(user)) out.add(k);
        }
        return out;
    }

    /** Revokes a key; false when no such key exists. Requests signed with it fail from now on. */
    public synchronized boolean revoke(String accessKeyId) {
        if (!keys.containsKey(accessKeyId)) return false;
        change(next -> next.remove(accessKeyId));
        return true;
    }

    /** Revokes every key of {@code user} (the user is being deleted); returns how many. */
    public synchronized int revokeUser(String user) {
        return retainUsers(u -> !u.equals(user));
    }

    /** Revokes the keys of users {@code keep} says no to; returns how many. */
    public synchronized int retainUsers(java.util.function.Predicate<String> keep) {
        int before = keys.size();
        if (keys.values().stream().allMatch(k -> keep.test(k.user()))) return 0;
        change(next -> next.values().removeIf(k -> !keep.test(k.user())));
        return before - keys.size();
    }

    @Override
    public synchronized Optional<Key> lookup(String accessKeyId) {
        return Optional.ofNullable(keys.get(accessKeyId));
    }

    private String randomString(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return sb.toString();
    }

    /** Applies {@code edit} to a copy of the keys, saves it, then makes it the keys in use: a save that fails changes nothing. */
    private void change(java.util.function.Consumer<Map<String, Key>> edit) {
        Map<String, Key> next = new LinkedHashMap<>(keys);
        edit.accept(next);
        save(next);
        keys.clear();
        keys.putAll(next);
    }

    private void save(Map<String, Key> next) {
        StringBuilder sb = new StringBuilder("# Cistern S3 access keys: accessKeyId secretKey user\n");
        for (Key k : next.values()) {
            sb.append(k.accessKeyId()).append(' ').append(k.secretKey()).append(' ').append(k.user()).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            Files.deleteIfExists(tmp);
            Files.createFile(tmp);
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the directory's protection has to do
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            // the rename is durable only once the directory is: a revoked key must not come back
            if (file.getParent() != null) {
                try (var dir = java.nio.channels.FileChannel.open(file.getParent(), java.nio.file.StandardOpenOption.READ)) {
                    dir.force(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save S3 key file " + file, e);
        }
    }
}
