package dev.cistern.s3.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.s3.testing.S3Fixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The clients admins actually use, from Debian packages, against a Cistern S3 server on the real
 * engine: awscli, s3cmd, rclone (sync up and back, check) and restic (init, backup, check
 * --read-data, restore). A missing tool fails the test with the package to install.
 */
class RealClientsTest {
    private static final int MIB = 1 << 20;
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    static Path dir;
    static String endpoint;

    @BeforeAll
    static void start() {
        dir = s3.dir();
        endpoint = s3.get().endpoint().toString();
    }

    private static Map<String, String> awsEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_ACCESS_KEY_ID", S3Fixture.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", S3Fixture.SECRET_KEY);
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        env.put("AWS_CONFIG_FILE", "/dev/null");
        env.put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        return env;
    }

    @Test
    void rcloneSyncUpAndBackAndCheck() throws Exception {
        Tools.require("rclone", "rclone");
        Path src = dir.resolve("rclone-src");
        Tools.makeTree(src, 11, 12 * MIB);
        Map<String, String> env = new HashMap<>();
        env.put("RCLONE_CONFIG", "/dev/null");
        env.put("RCLONE_CONFIG_CIS_TYPE", "s3");
        env.put("RCLONE_CONFIG_CIS_PROVIDER", "Other");
        env.put("RCLONE_CONFIG_CIS_ACCESS_KEY_ID", S3Fixture.ACCESS_KEY);
        env.put("RCLONE_CONFIG_CIS_SECRET_ACCESS_KEY", S3Fixture.SECRET_KEY);
        env.put("RCLONE_CONFIG_CIS_ENDPOINT", endpoint);
        env.put("RCLONE_CONFIG_CIS_REGION", "us-east-1");
        env.put("RCLONE_CONFIG_CIS_FORCE_PATH_STYLE", "true");
        String[] common = {"--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M", "--transfers", "4"};
        Tools.run(env, dir, concat(new String[] {"rclone", "mkdir", "cis:rclone-bucket"}, common));
        Tools.run(env, dir, concat(new String[] {"rclone", "sync", src.toString(), "cis:rclone-bucket/tree"}, common));
        Tools.run(env, dir, concat(new String[] {"rclone", "check", src.toString(), "cis:rclone-bucket/tree"}, common));
        Path back = dir.resolve("rclone-back");
        Tools.run(env, dir, concat(new String[] {"rclone", "sync", "cis:rclone-bucket/tree", back.toString()}, common));
        Tools.assertSameTree(src, back);
        // a change and a deletion propagate
        Files.writeString(src.resolve("docs/changed.txt"), "changed");
        Files.delete(src.resolve("big.bin"));
        Tools.run(env, dir, concat(new String[] {"rclone", "sync", src.toString(), "cis:rclone-bucket/tree"}, common));
        Tools.run(env, dir, concat(new String[] {"rclone", "check", src.toString(), "cis:rclone-bucket/tree"}, common));
    }

    @Test
    void resticRepositoryOnCistern() throws Exception {
        Tools.require("restic", "restic");
        Path src = dir.resolve("restic-src");
        Tools.makeTree(src, 12, 20 * MIB);
        Map<String, String> env = awsEnv();
        env.put("RESTIC_REPOSITORY", "s3:" + endpoint + "/restic-bucket/repo");
        env.put("RESTIC_PASSWORD", "correct horse battery staple");
        env.put("RESTIC_CACHE_DIR", dir.resolve("restic-cache").toString());
        s3.get().client.createBucket(b -> b.bucket("restic-bucket"));
        Tools.run(env, dir, "restic", "init");
        Tools.run(env, dir, "restic", "backup", "--host", "test", src.toString());
        Tools.run(env, dir, "restic", "backup", "--host", "test", src.toString());
        Tools.run(env, dir, "restic", "check", "--read-data");
        Path target = dir.resolve("restic-restore");
        Tools.run(env, dir, "restic", "restore", "latest", "--target", target.toString());
        Tools.assertSameTree(src, target.resolve(dir.relativize(src).toString().isEmpty() ? "" : src.toString().substring(1)));
    }

    @Test
    void s3cmdPutGetListSyncDelete() throws Exception {
        Tools.require("s3cmd", "s3cmd");
        Path cfg = dir.resolve("s3cmd.cfg");
        String hostPort = endpoint.substring("http://".length());
        Files.writeString(cfg, "[default]\naccess_key = " + S3Fixture.ACCESS_KEY + "\nsecret_key = " + S3Fixture.SECRET_KEY
                + "\nhost_base = " + hostPort + "\nhost_bucket = " + hostPort + "\nuse_https = False\nsignature_v2 = False\n"
                + "bucket_location = us-east-1\n");
        String[] c = {"s3cmd", "-c", cfg.toString(), "--multipart-chunk-size-mb=5"};
        Path src = dir.resolve("s3cmd-src");
        Tools.makeTree(src, 13, 12 * MIB);
        Tools.run(Map.of(), dir, concat(c, "mb", "s3://s3cmd-bucket"));
        Tools.run(Map.of(), dir, concat(c, "put", src.resolve("big.bin").toString(), "s3://s3cmd-bucket/big.bin"));
        Tools.run(Map.of(), dir, concat(c, "sync", src + "/", "s3://s3cmd-bucket/tree/"));
        String ls = Tools.run(Map.of(), dir, concat(c, "ls", "-r", "s3://s3cmd-bucket/"));
        assertThat(ls).contains("s3://s3cmd-bucket/big.bin").contains("s3://s3cmd-bucket/tree/deep/a/b/c/");
        Path back = dir.resolve("s3cmd-back");
        Files.createDirectories(back);
        Tools.run(Map.of(), dir, concat(c, "sync", "s3://s3cmd-bucket/tree/", back + "/"));
        Tools.assertSameTree(src, back);
        Path one = dir.resolve("s3cmd-one.bin");
        Tools.run(Map.of(), dir, concat(c, "get", "s3://s3cmd-bucket/big.bin", one.toString()));
        assertThat(Files.mismatch(one, src.resolve("big.bin"))).isEqualTo(-1L);
        Tools.run(Map.of(), dir, concat(c, "del", "--recursive", "--force", "s3://s3cmd-bucket/"));
        Tools.run(Map.of(), dir, concat(c, "rb", "s3://s3cmd-bucket"));
    }

    @Test
    void awscliCopySyncAndApi() throws Exception {
        Tools.require("aws", "awscli");
        Map<String, String> env = awsEnv();
        Path src = dir.resolve("aws-src");
        Tools.makeTree(src, 14, 12 * MIB);
        String[] aws = {"aws", "--endpoint-url", endpoint};
        Tools.run(env, dir, concat(aws, "s3", "mb", "s3://aws-bucket"));
        Tools.run(env, dir, concat(aws, "s3", "sync", src.toString(), "s3://aws-bucket/tree"));
        Path back = dir.resolve("aws-back");
        Tools.run(env, dir, concat(aws, "s3", "sync", "s3://aws-bucket/tree", back.toString()));
        Tools.assertSameTree(src, back);
        String list = Tools.run(env, dir, concat(aws, "s3api", "list-objects-v2", "--bucket", "aws-bucket", "--prefix", "tree/docs/"));
        assertThat(list).contains("tree/docs/2024/");
        Tools.run(env, dir, concat(aws, "s3", "rm", "--recursive", "s3://aws-bucket/tree"));
        Tools.run(env, dir, concat(aws, "s3", "rb", "s3://aws-bucket"));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
