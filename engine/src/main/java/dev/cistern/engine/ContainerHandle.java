package dev.cistern.engine;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The entries of one container: what a protocol front end works with. Entry names are opaque
 * strings (object keys, file paths, LUN or cartridge names). Safe for concurrent use.
 */
public interface ContainerHandle {

    ContainerInfo info();

    /** A writer of a new version of {@code name}, visible when committed. */
    StreamWriter create(String name);

    /** A writer continuing stream {@code name} at its end (created empty if missing). */
    StreamWriter append(String name);

    /** Random-access view of stream {@code name}; NOT_FOUND if missing. */
    FileEntry openFile(String name);

    /** Random-access view of stream {@code name}, created empty if missing. */
    FileEntry openOrCreateFile(String name);

    /** Creates a thin volume; ALREADY_EXISTS if the name is taken. */
    BlockVolume createVolume(String name, long sizeBytes, int blockSize, boolean readOnly);

    /** Opens a volume; NOT_FOUND if missing. */
    BlockVolume openVolume(String name);

    Optional<EntryInfo> stat(String name);

    /** Entries whose names start with {@code prefix}, in name order, after {@code startAfter} (exclusive, may be null). */
    List<EntryInfo> list(String prefix, String startAfter, int limit);

    /** Replaces the attributes of an entry. */
    void setAttributes(String name, Map<String, String> attributes);

    /** Copies an entry (sharing its chunks: no data is copied). */
    void copy(String from, String to);

    void rename(String from, String to);

    /** Deletes an entry; its space is reclaimed by the cleaner. NOT_FOUND if missing. */
    void delete(String name);

    Stats stats();
}
