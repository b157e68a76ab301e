package dev.cistern.s3.store;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.StreamWriter;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Versions of the objects of one bucket (see {@link ObjectNames} for the layout).
 *
 * <p>Publishing a new current version when versioning is on first copies the old current version to
 * its noncurrent name (a chunk-sharing copy, no data moves) and then commits the new one. A crash
 * between the two leaves the old version under both names; readers treat the noncurrent copy whose id
 * equals the current one as the same version, so nothing is lost or shown twice.
 *
 * <p>Object Lock: a version with a legal hold, or with a retention date in the future, cannot be
 * deleted (GOVERNANCE yields only to an explicit bypass); with Object Lock the bucket is always
 * versioned, so an overwrite never destroys a locked version.
 */
public final class ObjectStore {
    private final Bucket bucket;
    private final ContainerHandle handle;
    private final KeyLocks locks;
    private final Clock clock;

    public ObjectStore(Bucket bucket, KeyLocks locks, Clock clock) {
        this.bucket = bucket;
        this.handle = bucket.handle();
        this.locks = locks;
        this.clock = clock;
    }

    public Bucket bucket() {
        return bucket;
    }

    /** One stored version: its entry name, entry info and S3 metadata. */
    public record Version(String entryName, EntryInfo info, ObjectMeta meta, boolean isCurrent) {
        public String versionId() {
            return meta.versionId();
        }
    }

    /** What a DELETE did. */
    public record Deleted(String versionId, boolean deleteMarker) {
    }

    public Optional<Version> current(String key) {
        return handle.stat(ObjectNames.current(key)).map(e -> new Version(e.name(), e, new ObjectMeta(e.attributes()), true));
    }

    /**
     * The version a GET/HEAD addresses: the current one when {@code versionId} is null (NoSuchKey when
     * missing or a delete marker), else that version (NoSuchVersion when unknown).
     */
    public Version resolve(String key, String versionId) {
        Optional<Version> cur = current(key);
        if (versionId == null) {
            if (cur.isEmpty()) throw noSuchKey(key);
            if (cur.get().meta().deleteMarker()) {
                throw noSuchKey(key).header("x-amz-delete-marker", "true").header("x-amz-version-id", cur.get().versionId());
            }
            return cur.get();
        }
        if (cur.isPresent() && cur.get().versionId().equals(versionId)) return cur.get();
        return handle.stat(ObjectNames.version(key, versionId))
                .map(e -> new Version(e.name(), e, new ObjectMeta(e.attributes()), false))
                .orElseThrow(() -> new S3Exception(S3Error.NO_SUCH_VERSION, "the version '" + versionId
                        + "' of '" + key + "' does not exist", bucket.name() + "/" + key));
    }

    /**
     * Commits {@code writer} as the new current version of {@code key} with {@code meta}. {@code check}
     * sees the current version under the key lock first (conditional PUT) and may throw to refuse.
     */
    public EntryInfo publish(String key, StreamWriter writer, ObjectMeta meta, Consumer<Optional<Version>> check) {
        ReentrantLock lock = locks.of(bucket.name(), key);
        lock.lock();
        try {
            Optional<Version> cur = current(key);
            check.accept(cur);
            meta.versionId(prepareForNewCurrent(key, cur));
            return writer.commit(meta.toMap());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code action} under the lock that serializes every publish of {@code key} in this server
     * (the lock is reentrant: {@code action} may publish). Multipart uploads use it so that an upload's
     * entry only disappears, and its parts only appear, between publishes of its key.
     */
    public <T> T withKeyLock(String key, java.util.function.Supplier<T> action) {
        ReentrantLock lock = locks.of(bucket.name(), key);
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /** DELETE of {@code key}, or of one version of it. */
    public Deleted delete(String key, String versionId, boolean bypassGovernance) {
        ReentrantLock lock = locks.of(bucket.name(), key);
        lock.lock();
        try {
            Optional<Version> cur = current(key);
            if (versionId == null) {
                if (bucket.versioning() == null) {
                    if (cur.isPresent()) deleteEntry(cur.get().entryName());
                    return new Deleted(null, false);
                }
                String vid = prepareForNewCurrent(key, cur);
                ObjectMeta marker = new ObjectMeta().deleteMarker(true).versionId(vid).modified(clock.instant());
                try (StreamWriter w = handle.create(ObjectNames.current(key))) {
                    w.commit(marker.toMap());
                }
                return new Deleted(vid, true);
            }
            if (cur.isPresent() && cur.get().versionId().equals(versionId)) {
                checkDeletable(cur.get(), bypassGovernance, key);
                promoteNewestNoncurrentOrDelete(key, cur.get());
                return new Deleted(versionId, cur.get().meta().deleteMarker());
            }
            Optional<EntryInfo> v = handle.stat(ObjectNames.version(key, versionId));
            if (v.isEmpty()) return new Deleted(versionId, false);
            ObjectMeta meta = new ObjectMeta(v.get().attributes());
            checkDeletable(new Version(v.get().name(), v.get(), meta, false), bypassGovernance, key);
            deleteEntry(v.get().name());
            return new Deleted(versionId, meta.deleteMarker());
        } finally {
            lock.unlock();
        }
    }

    /** Replaces the attributes of a version (tagging, retention, legal hold). */
    public void setMeta(Version v, ObjectMeta meta) {
        handle.setAttributes(v.entryName(), meta.toMap());
    }

    /** Refuses when Object Lock protects {@code v}: legal hold, COMPLIANCE, or GOVERNANCE without bypass. */
    public void checkDeletable(Version v, boolean bypassGovernance, String key) {
        ObjectMeta m = v.meta();
        String res = bucket.name() + "/" + key;
        if (m.legalHold()) {
            throw new S3Exception(S3Error.ACCESS_DENIED, "version " + v.versionId() + " of '" + key
                    + "' is under a legal hold; remove the hold first", res);
        }
        Instant until = m.lockUntil();
        if (m.lockMode() != null && until != null && until.isAfter(clock.instant())) {
            if ("COMPLIANCE".equals(m.lockMode()) || !bypassGovernance) {
                throw new S3Exception(S3Error.ACCESS_DENIED, "version " + v.versionId() + " of '" + key + "' is locked in "
                        + m.lockMode() + " mode until " + until, res);
            }
        }
    }

    /**
     * Moves the current version (if any) out of the way according to the bucket's versioning state and
     * returns the version id the new current version gets.
     */
    private String prepareForNewCurrent(String key, Optional<Version> cur) {
        String state = bucket.versioning();
        if (state == null) return null;
        if ("Enabled".equals(state)) {
            // every current version is kept, the "null" one (written before versioning or while it was
            // suspended) included
            if (cur.isPresent()) keepAsNoncurrent(key, cur.get());
            return VersionIds.next(clock.instant());
        }
        if (cur.isPresent() && !cur.get().versionId().equals("null")) {
            keepAsNoncurrent(key, cur.get());
        }
        // Suspended: the new version is the "null" version, which replaces any earlier "null" version
        handle.stat(ObjectNames.version(key, "null")).ifPresent(e -> deleteEntry(e.name()));
        return null;
    }

    private void keepAsNoncurrent(String key, Version cur) {
        String name = ObjectNames.version(key, cur.versionId());
        if (handle.stat(name).isPresent()) return; // left over by a crash after the copy: already kept
        handle.copy(cur.entryName(), name);
        handle.setAttributes(name, cur.meta().toMap());
    }

    /**
     * After the current version was deleted by id, the newest noncurrent version becomes current:
     * copied over the current name (an atomic replace in the engine), then removed from the noncurrent
     * range. A crash between leaves a noncurrent copy with the current id, which readers skip.
     */
    private void promoteNewestNoncurrentOrDelete(String key, Version cur) {
        // a crash-left copy of this very version under its noncurrent name (see keepAsNoncurrent) goes
        // first: promoted, it would bring the deleted version back as current and keep its data
        handle.stat(ObjectNames.version(key, cur.versionId())).ifPresent(e -> deleteEntry(e.name()));
        List<EntryInfo> first = handle.list(ObjectNames.versionsOf(key), null, 1);
        if (first.isEmpty()) {
            deleteEntry(cur.entryName());
            return;
        }
        EntryInfo newest = first.get(0);
        // the id "null" sorts after every generated id whatever its age: compare it by time
        Optional<EntryInfo> nullVersion = handle.stat(ObjectNames.version(key, "null"));
        if (nullVersion.isPresent() && modified(nullVersion.get()).isAfter(modified(newest))) newest = nullVersion.get();
        handle.copy(newest.name(), ObjectNames.current(key));
        deleteEntry(newest.name());
    }

    private static Instant modified(EntryInfo e) {
        return new ObjectMeta(e.attributes()).modifiedOr(e.modifiedAt());
    }

    /**
     * Publishes a copy of {@code source} (an entry of this bucket) as the new current version, sharing
     * its chunks: the copy is staged under a temporary name with its final attributes, then copied over
     * the current name, so the object appears whole with the right metadata or not at all.
     */
    public void publishCopy(String key, String source, ObjectMeta meta, Consumer<Optional<Version>> check) {
        String staging = "t/" + java.util.UUID.randomUUID();
        handle.copy(source, staging);
        try {
            ReentrantLock lock = locks.of(bucket.name(), key);
            lock.lock();
            try {
                Optional<Version> cur = current(key);
                check.accept(cur);
                meta.versionId(prepareForNewCurrent(key, cur));
                handle.setAttributes(staging, meta.toMap());
                handle.copy(staging, ObjectNames.current(key));
            } finally {
                lock.unlock();
            }
        } finally {
            deleteEntry(staging);
        }
    }

    private void deleteEntry(String name) {
        try {
            handle.delete(name);
        } catch (EngineException e) {
            if (e.reason() != EngineException.Reason.NOT_FOUND) throw e;
        }
    }

    private S3Exception noSuchKey(String key) {
        return new S3Exception(S3Error.NO_SUCH_KEY, "the key '" + key + "' does not exist in bucket '"
                + bucket.name() + "'", bucket.name() + "/" + key);
    }
}
