package dev.cistern.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurableFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesWholeOwnerOnlyAndOverwritesALeftoverTemporaryFile() throws IOException {
        Path file = dir.resolve("sub/state.json");
        DurableFile.replace(file, bytes("first"));
        // a replace cut by a crash leaves its temporary file behind; the next one overwrites it
        Files.write(dir.resolve("sub/state.json.tmp"), bytes("torn leftover that is longer than the new content"));
        DurableFile.replace(file, bytes("second"));

        assertThat(Files.readString(file)).isEqualTo("second");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(dir.resolve("sub/state.json.tmp")).doesNotExist();
    }

    @Test
    void aFailedReplaceLeavesTheFileAsItWasAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("state.json");
        DurableFile.replace(file, bytes("kept"));
        // the rename target is a non-empty directory now: the move fails after the temporary file is written
        Path blocked = dir.resolve("blocked");
        Files.createDirectories(blocked.resolve("inside"));

        assertThatThrownBy(() -> DurableFile.replace(blocked, bytes("lost"))).isInstanceOf(IOException.class);
        assertThat(Files.readString(file)).isEqualTo("kept");
        assertThat(dir.resolve("blocked.tmp")).doesNotExist();
        assertThat(blocked.resolve("inside")).isDirectory();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
