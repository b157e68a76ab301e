package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.engine.StorageGroupInfo;
import dev.cistern.s3.testing.RawS3;
import dev.cistern.s3.testing.S3Fixture;
import dev.cistern.s3.testing.TestEngines;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Virtual-host-style addressing, the Veeam Smart Object Storage API files, and the configured storage group. */
class AddressingAndVeeamTest {
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass(dir -> new S3Fixture(TestEngines.open(dir.resolve("engine")),
            dir, S3Config.defaults().withDomain("s3.test").withGroup("backups")));

    @Test
    void virtualHostStyle() throws Exception {
        s3.get().client.createBucket(b -> b.bucket("vhost"));
        s3.get().client.putObject(b -> b.bucket("vhost").key("dir/obj"), RequestBody.fromString("hello"));
        RawS3 raw = new RawS3(s3.get().server.port(), S3Fixture.ACCESS_KEY, S3Fixture.SECRET_KEY);
        raw.host = "vhost.s3.test:" + s3.get().server.port();
        RawS3.Response get = raw.send("GET", "/dir/obj", "", new byte[0], java.util.Map.of());
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.body()).isEqualTo("hello");
        RawS3.Response list = raw.send("GET", "/", "list-type=2", new byte[0], java.util.Map.of());
        assertThat(list.body()).contains("<Key>dir/obj</Key>").contains("<Name>vhost</Name>");
        raw.host = "127.0.0.1:" + s3.get().server.port();
        assertThat(raw.send("GET", "/vhost/dir/obj", "", new byte[0], java.util.Map.of()).body()).isEqualTo("hello");
    }

    @Test
    void bucketsGoToTheConfiguredGroup() {
        s3.get().client.createBucket(b -> b.bucket("grouped"));
        assertThat(s3.get().engine.container("grouped").groupName()).isEqualTo("backups");
        assertThat(s3.get().engine.listGroups()).extracting(StorageGroupInfo::name).contains("backups");
    }

    @Test
    void veeamSystemAndCapacityFiles() {
        s3.get().client.createBucket(b -> b.bucket("veeam"));
        s3.get().engine.updateGroup("backups", null, 10L << 30);
        String base = ".system-d26a9498-cb7c-4a87-a44a-8ae204f5ba6c/";
        String system = s3.get().client.getObjectAsBytes(b -> b.bucket("veeam").key(base + "system.xml")).asUtf8String();
        assertThat(system).contains("<CapacityInfo>true</CapacityInfo>").contains("<S3MultiObjectDeleteLimit>1000");
        String cap = s3.get().client.getObjectAsBytes(b -> b.bucket("veeam").key(base + "capacity.xml")).asUtf8String();
        assertThat(cap).contains("<Capacity>" + (10L << 30) + "</Capacity>").contains("<Used>").contains("<Available>");
        assertThat(s3.get().client.headObject(b -> b.bucket("veeam").key(base + "capacity.xml")).contentLength())
                .isEqualTo(cap.length());
    }

    @Test
    void deleteObjectsLimitIs1000() {
        s3.get().client.createBucket(b -> b.bucket("many"));
        List<ObjectIdentifier> ids = java.util.stream.IntStream.range(0, 1001)
                .mapToObj(i -> ObjectIdentifier.builder().key("k" + i).build()).toList();
        assertThatThrownBy(() -> s3.get().client.deleteObjects(b -> b.bucket("many").delete(d -> d.objects(ids))))
                .satisfies(e -> assertThat(((S3Exception) e).awsErrorDetails().errorCode()).isEqualTo("MalformedXML"));
    }

    @Test
    void serverReportsHealthAndPort() {
        assertThat(s3.get().server.healthy()).isTrue();
        assertThat(s3.get().server.port()).isPositive();
        S3Server other = new S3Server(s3.get().engine, s3.get().keys, new InetSocketAddress("127.0.0.1", 0));
        other.start();
        assertThat(other.port()).isNotEqualTo(s3.get().server.port());
        other.stop();
        assertThat(other.healthy()).isFalse();
    }
}
