package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class S3KeyStoreTest {
    @TempDir
    Path dir;

    @Test
    void addListRevokeSurviveReopen() throws Exception {
        Path file = dir.resolve("keys/s3-keys");
        S3KeyStore store = S3KeyStore.open(file);
        var a = store.add("alice");
        var b = store.add("bob");
        var a2 = store.add("alice");
        assertThat(a.accessKeyId()).hasSize(20).isNotEqualTo(a2.accessKeyId());
        assertThat(a.secretKey()).hasSize(40);
        assertThat(store.list("alice")).containsExactly(a, a2);
        assertThat(store.revoke(a.accessKeyId())).isTrue();
        assertThat(store.revoke(a.accessKeyId())).isFalse();
        assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
        S3KeyStore reopened = S3KeyStore.open(file);
        assertThat(reopened.list(null)).containsExactly(b, a2);
        assertThat(reopened.lookup(a.accessKeyId())).isEmpty();
        assertThat(reopened.lookup(b.accessKeyId())).contains(b);
        assertThatThrownBy(() -> store.add("bad user")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void corruptLineIsReportedWithItsNumber() throws Exception {
        Path file = dir.resolve("s3-keys");
        Files.writeString(file, "# header\nAKIA1 secret alice\nbroken\n");
        assertThatThrownBy(() -> S3KeyStore.open(file)).hasMessageContaining("line 3");
    }
}
