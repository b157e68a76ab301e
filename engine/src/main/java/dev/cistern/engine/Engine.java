package dev.cistern.engine;

import java.util.List;

/**
 * Cistern's storage engine: storage groups hold containers, containers hold entries, and all data
 * is chunked, deduplicated within its storage group, compressed, optionally encrypted and appended to
 * chunk containers. This interface and the types of this package are the whole API that servers and
 * protocol front ends use; nothing of a protocol crosses it. Safe for concurrent use.
 */
public interface Engine extends AutoCloseable {

    StorageGroupInfo createGroup(StorageGroupSpec spec);

    List<StorageGroupInfo> listGroups();

    /** NOT_FOUND if missing. */
    StorageGroupInfo group(String name);

    /** Changes quota (bytes, 0 = unlimited). Compression applies to chunks written from now on. */
    StorageGroupInfo updateGroup(String name, Compression compression, Long quotaBytes);

    /** Deletes an empty group (NOT_EMPTY while it holds containers). */
    void deleteGroup(String name);

    /** Loads the data key of an encrypted group; ACCESS_DENIED for a wrong passphrase. */
    void unlockGroup(String name, char[] passphrase);

    /** Re-wraps the group's data key under a new passphrase; no data is rewritten. */
    void changePassphrase(String name, char[] oldPassphrase, char[] newPassphrase);

    ContainerInfo createContainer(String groupName, ContainerSpec spec);

    /** All containers, or those of one group when {@code groupName} is non-null. */
    List<ContainerInfo> listContainers(String groupName);

    ContainerInfo container(String name);

    /**
     * Changes the container's protocol properties: {@code change} gets the current ones and returns the new
     * ones, under the lock every change takes, so two concurrent changes of different properties both
     * stay (a read, then a replace, would lose one). An exception from {@code change} changes nothing.
     */
    ContainerInfo updateContainer(String name,
                                  java.util.function.UnaryOperator<java.util.Map<String, String>> change);

    /** Deletes a container and all its entries; space is reclaimed by the cleaner. */
    void deleteContainer(String name);

    ContainerHandle openContainer(String name);

    Stats stats();

    Stats groupStats(String name);

    Stats containerStats(String name);

    /**
     * Reclaims the space of deleted data while ingest goes on, rewriting the chunk containers {@code mode}
     * picks. BUSY if a clean is running; CANCELLED if {@code progress} asked it to stop (see
     * {@link Progress#cancelled()}: nothing is lost).
     */
    CleanReport clean(CleanMode mode, Progress progress);

    /** A clean in {@link CleanMode#THRESHOLD} mode. */
    default CleanReport clean(Progress progress) {
        return clean(CleanMode.THRESHOLD, progress);
    }

    /**
     * Re-reads and checks all stored data; names every entry that references damaged data. BUSY if a verify
     * is running; CANCELLED, without a report, if {@code progress} asked it to stop.
     */
    VerifyReport verify(Progress progress);

    /** Free bytes on the data directory's file system. */
    long freeBytes();

    /**
     * Free bytes below which new data is refused with NO_SPACE: the engine keeps them for its metadata, so
     * deletes and clean still work on a disk full of chunk data.
     */
    long minFreeBytes();

    /**
     * Cheap liveness check for the service watcher: throws CLOSED once closed, IO_ERROR if the metadata
     * store cannot be read or has stopped writing after a background error (a full or failing disk).
     */
    void checkHealth();

    @Override
    void close();
}
