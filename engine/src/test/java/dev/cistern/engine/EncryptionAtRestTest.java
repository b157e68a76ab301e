package dev.cistern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.crypto.KeyWrap;
import dev.cistern.engine.store.ChunkRecord;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What encryption at rest must hold against someone who can write or read the data directory. */
class EncryptionAtRestTest {
    private static final char[] PASS = "correct horse battery".toCharArray();

    @TempDir
    Path dir;

    /**
     * The encrypted bit of a record is covered only by its CRC, which anyone can recompute: a record
     * planted without it (same fingerprint and length, any bytes) was served as the chunk, locked or not.
     */
    @Test
    void aPlaintextRecordPlantedInAnEncryptedGroupIsDamagedNotServed() throws Exception {
        byte[] data = TestData.random(1, 1000); // one chunk, one record at the start of the container
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("secret", Compression.NONE, 0, ChunkingSpec.DEFAULT, PASS));
            e.createContainer("secret", new ContainerSpec("vault", "client", Map.of()));
            TestData.store(e.openContainer("vault"), "x", data);
        }
        Path file = onlyContainerFile();
        byte[] rec = new byte[ChunkRecord.HEADER];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.read(ByteBuffer.wrap(rec), 32);
            // the same header, not encrypted, a payload of 'A's as long as the chunk, a recomputed checksum
            ByteBuffer h = ByteBuffer.wrap(rec);
            rec[4] = 0;
            h.putInt(12, data.length);
            byte[] forged = new byte[ChunkRecord.HEADER + data.length];
            System.arraycopy(rec, 0, forged, 0, ChunkRecord.HEADER);
            java.util.Arrays.fill(forged, ChunkRecord.HEADER, forged.length, (byte) 'A');
            ByteBuffer.wrap(forged).putInt(0, ChunkRecord.crc(forged, 4, forged.length - 4));
            ch.write(ByteBuffer.wrap(forged), 32);
        }
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            ContainerHandle c = e.openContainer("vault");
            assertThatThrownBy(() -> TestData.readAll(c, "x")).as("locked")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.DAMAGED);
            assertThat(e.verify(Progress.NONE).damagedEntries()).as("locked: checksums only, the bit is checked").isNotEmpty();
            e.unlockGroup("secret", PASS);
            assertThatThrownBy(() -> TestData.readAll(c, "x")).as("unlocked")
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.DAMAGED);
            assertThat(e.verify(Progress.NONE).damagedEntries()).containsExactly("vault/x");
        }
    }

    /** The key wrapped under the old passphrase was still readable in older metadata files after a change. */
    @Test
    void theKeyWrappedUnderAnOldPassphraseIsGoneFromTheMetadataFiles() throws Exception {
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.createGroup(new StorageGroupSpec("secret", Compression.FAST, 0, ChunkingSpec.DEFAULT, PASS));
        }
        byte[] oldBlob;
        try (dev.cistern.engine.meta.MetaStore meta = dev.cistern.engine.meta.MetaStore.open(dir.resolve("meta"));
             dev.cistern.engine.meta.Scanner sc = meta.scan(dev.cistern.engine.meta.MetaStore.Family.GROUPS, new byte[0])) {
            assertThat(sc.next()).isTrue();
            oldBlob = dev.cistern.engine.meta.GroupRecord.decode(sc.value()).wrappedKey();
        }
        assertThat(filesContaining(dir.resolve("meta"), oldBlob)).isNotEmpty(); // the check can see it
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            e.changePassphrase("secret", PASS, "another passphrase".toCharArray());
        }
        assertThat(filesContaining(dir.resolve("meta"), oldBlob)).isEmpty();
        try (Engine e = Engines.open(EngineConfig.defaults(dir))) {
            assertThatThrownBy(() -> e.unlockGroup("secret", PASS))
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.ACCESS_DENIED);
            e.unlockGroup("secret", "another passphrase".toCharArray());
        }
    }

    /** A damaged wrapped key is DAMAGED, not an unchecked exception or an unlock that takes hours. */
    @Test
    void aDamagedWrappedKeyIsRefusedAsDamaged() {
        byte[] blob = KeyWrap.wrap(new byte[32], PASS);
        for (byte[] bad : List.of(java.util.Arrays.copyOf(blob, 20), withIterations(blob, 0), withIterations(blob, Integer.MAX_VALUE))) {
            assertThatThrownBy(() -> KeyWrap.unwrap(bad, PASS, "g"))
                    .extracting(t -> ((EngineException) t).reason()).isEqualTo(EngineException.Reason.DAMAGED);
        }
        assertThat(KeyWrap.unwrap(blob, PASS, "g")).hasSize(32);
    }

    private static byte[] withIterations(byte[] blob, int n) {
        byte[] b = blob.clone();
        ByteBuffer.wrap(b).putInt(1, n);
        return b;
    }

    private Path onlyContainerFile() throws Exception {
        try (Stream<Path> s = Files.walk(dir.resolve("chunks"))) {
            List<Path> l = s.filter(p -> p.toString().endsWith(".ccf")).toList();
            assertThat(l).hasSize(1);
            return l.getFirst();
        }
    }

    private static List<Path> filesContaining(Path root, byte[] needle) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                try {
                    byte[] hay = Files.readAllBytes(p);
                    outer:
                    for (int i = 0; i + needle.length <= hay.length; i++) {
                        for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
                        return true;
                    }
                    return false;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
