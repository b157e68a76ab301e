package dev.cistern.s3.store;

import dev.cistern.engine.ContainerInfo;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.EntryInfo;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Buckets on the engine: each one a container of protocol "s3" in the configured storage group.
 * A bucket belongs to the user who created it; other users get AccessDenied.
 */
public final class BucketStore {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern IP = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    private final Engine engine;
    private final String groupName;

    public BucketStore(Engine engine, String groupName) {
        this.engine = engine;
        this.groupName = groupName;
    }

    public Engine engine() {
        return engine;
    }

    public String groupName() {
        return groupName;
    }

    public static void checkName(String name) {
        if (name == null || !BUCKET.matcher(name).matches() || name.contains("..") || IP.matcher(name).matches()
                || name.contains(".-") || name.contains("-.")) {
            throw new S3Exception(S3Error.INVALID_BUCKET_NAME, "the bucket name '" + name + "' is not valid: use 3-63"
                    + " characters a-z, 0-9, '.' and '-', starting and ending with a letter or digit", name);
        }
    }

    /** The buckets {@code user} owns, in name order. */
    public List<ContainerInfo> list(String user) {
        List<ContainerInfo> out = new ArrayList<>();
        for (ContainerInfo c : engine.listContainers(null)) {
            if ("s3".equals(c.protocol()) && user.equals(c.properties().get("owner"))) out.add(c);
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    /**
     * Creates a bucket. Re-creating a bucket one already owns is a no-op 200 when {@code legacyRecreateOk}
     * (what S3 does in us-east-1 and RGW does by default), else BucketAlreadyOwnedByYou.
     */
    public Bucket create(String name, String owner, boolean objectLock, boolean legacyRecreateOk) {
        checkName(name);
        ensureGroup();
        Map<String, String> props = new HashMap<>();
        props.put("owner", owner);
        if (objectLock) {
            props.put("lock", "Enabled");
            props.put("versioning", "Enabled");
        }
        try {
            ContainerInfo info = engine.createContainer(groupName, new ContainerSpec(name, "s3", props));
            return new Bucket(info, engine.openContainer(name));
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.ALREADY_EXISTS) {
                ContainerInfo existing = engine.container(name);
                if ("s3".equals(existing.protocol()) && owner.equals(existing.properties().get("owner"))) {
                    if (legacyRecreateOk) return new Bucket(existing, engine.openContainer(name));
                    throw new S3Exception(S3Error.BUCKET_ALREADY_OWNED_BY_YOU,
                            "you already own the bucket '" + name + "'", name);
                }
                throw new S3Exception(S3Error.BUCKET_ALREADY_EXISTS, "the bucket name '" + name
                        + "' is taken by another user or another protocol's container; choose another name", name);
            }
            throw e;
        }
    }

    /** The bucket, if it exists and {@code user} owns it. */
    public Bucket get(String name, String user) {
        ContainerInfo info;
        try {
            info = engine.container(name);
        } catch (EngineException e) {
            if (e.reason() == EngineException.Reason.NOT_FOUND || e.reason() == EngineException.Reason.INVALID_ARGUMENT) {
                throw new S3Exception(S3Error.NO_SUCH_BUCKET, "the bucket '" + name + "' does not exist", name);
            }
            throw e;
        }
        if (!"s3".equals(info.protocol())) {
            throw new S3Exception(S3Error.NO_SUCH_BUCKET, "'" + name + "' is a " + info.protocol()
                    + " container, not an S3 bucket", name);
        }
        if (user != null && !user.equals(info.properties().get("owner"))) {
            throw new S3Exception(S3Error.ACCESS_DENIED, "the bucket '" + name + "' belongs to another user", name);
        }
        return new Bucket(info, engine.openContainer(name));
    }

    /** Sets (non-null values) or removes (null values) bucket properties. */
    public Bucket update(Bucket bucket, Map<String, String> changes) {
        // applied to the properties as they are now, not as this request read them: two requests
        // changing different properties (versioning, then a lock configuration) both stay
        ContainerInfo info = engine.updateContainer(bucket.name(), current -> {
            Map<String, String> props = new HashMap<>(current);
            changes.forEach((k, v) -> {
                if (v == null) props.remove(k); else props.put(k, v);
            });
            return props;
        });
        return new Bucket(info, bucket.handle());
    }

    /** Deletes an empty bucket: no objects, versions or delete markers. Unfinished uploads go with it. */
    public void delete(Bucket bucket) {
        for (String prefix : new String[] {ObjectNames.OBJECTS, ObjectNames.VERSIONS}) {
            List<EntryInfo> some = bucket.handle().list(prefix, null, 1);
            if (!some.isEmpty()) {
                throw new S3Exception(S3Error.BUCKET_NOT_EMPTY, "the bucket '" + bucket.name()
                        + "' is not empty: delete all objects and versions first", bucket.name());
            }
        }
        engine.deleteContainer(bucket.name());
    }

    private void ensureGroup() {
        try {
            engine.group(groupName);
        } catch (EngineException e) {
            if (e.reason() != EngineException.Reason.NOT_FOUND) throw e;
            try {
                engine.createGroup(StorageGroupSpec.of(groupName));
            } catch (EngineException race) {
                if (race.reason() != EngineException.Reason.ALREADY_EXISTS) throw race;
            }
        }
    }
}
