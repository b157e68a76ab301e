package dev.cistern.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.server.ServerSettings;
import dev.cistern.server.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Creating containers through REST as the README's walkthrough does, and the mistakes an admin makes on the way. */
class ContainerCreateTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownProtocolIsRefusedAndCreatesNothing() {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), d -> Engines.open(EngineConfig.defaults(d)))) {
            String admin = t.login("admin");
            assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"backups\"}").status()).isEqualTo(201);
            // 'cistern container add night3 --storage-group backups --protocol ftp' answered 201: a container no
            // front end would ever export (a typo such as 'iscsci' did the same)
            for (String protocol : new String[] {"ftp", "iscsci"}) {
                TestServer.Reply r = t.send("POST", "/api/v1/containers", admin,
                        "{\"name\":\"night3\",\"storageGroup\":\"backups\",\"protocol\":\"" + protocol + "\"}");
                assertThat(r.status()).as(r.text()).isEqualTo(400);
                assertThat(r.text()).contains("unknown protocol '" + protocol + "'").contains("iscsi, vtl, s3");
            }
            assertThat(t.get("/api/v1/containers/night3", admin).status()).isEqualTo(404);
            for (String protocol : new String[] {"iscsi", "vtl", "s3", "nfs", "client"}) {
                TestServer.Reply r = t.send("POST", "/api/v1/containers", admin,
                        "{\"name\":\"c-" + protocol + "\",\"storageGroup\":\"backups\",\"protocol\":\"" + protocol + "\"}");
                assertThat(r.status()).as(protocol + ": " + r.text()).isEqualTo(201);
            }
        }
    }

    @Test
    void aBucketCreatedThroughTheApiBelongsToItsCreator() {
        try (TestServer t = new TestServer(ServerSettings.forTests(dir), d -> Engines.open(EngineConfig.defaults(d)))) {
            String admin = t.login("admin");
            assertThat(t.send("POST", "/api/v1/storage-groups", admin, "{\"name\":\"backups\"}").status()).isEqualTo(201);
            // 'cistern container add nightly2 --storage-group backups --protocol s3' made a bucket with no owner,
            // which every S3 key, the creator's too, got AccessDenied on ("belongs to another user")
            TestServer.Reply r = t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"nightly2\",\"storageGroup\":\"backups\",\"protocol\":\"s3\"}");
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            assertThat(t.get("/api/v1/containers/nightly2", admin).json().path("properties").path("owner").asText()).isEqualTo("admin");
            // an owner given explicitly is kept
            TestServer.Reply other = t.send("POST", "/api/v1/containers", admin,
                    "{\"name\":\"theirs\",\"storageGroup\":\"backups\",\"protocol\":\"s3\",\"properties\":{\"owner\":\"monitor\"}}");
            assertThat(other.status()).as(other.text()).isEqualTo(201);
            assertThat(t.get("/api/v1/containers/theirs", admin).json().path("properties").path("owner").asText()).isEqualTo("monitor");
        }
    }
}
