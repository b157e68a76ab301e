package dev.cistern.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The data directory is closed to other local users. Before, 'cistern serve' created it with the umask (0755
 * under the usual 022) and the engine's files in it were 0644: any local user could read the backups, and the
 * CHAP secret of an iSCSI container in meta/'s write-ahead log.
 */
class DataLayoutTest {
    @TempDir
    Path dir;

    @Test
    void aNewDataDirectoryIsTheOwnersOnly() throws Exception {
        Path data = dir.resolve("a/b/data");
        assertThat(DataLayout.createPrivate(data)).isNull();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    }

    @Test
    void anExistingDirectoryOpenToOthersIsClosedToThemAndTheOperatorIsTold() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-x---")));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(DataLayout.createPrivate(data)).contains(data.toString()).contains("rwxr-xr-x").contains("rwxr-x---");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwxr-x---");
        assertThat(DataLayout.createPrivate(data)).as("nothing left to change").isNull();
    }
}
