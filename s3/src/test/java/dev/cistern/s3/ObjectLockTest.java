package dev.cistern.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cistern.s3.testing.S3Fixture;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.*;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Object Lock: a locked version cannot be deleted; COMPLIANCE only extends; GOVERNANCE yields to bypass; legal hold. */
class ObjectLockTest {
    @RegisterExtension
    static final S3Fixture.PerClass s3 = S3Fixture.perClass();
    static S3Client c;

    @BeforeAll
    static void start() {
        c = s3.get().client;
        c.createBucket(b -> b.bucket("locked").objectLockEnabledForBucket(true));
    }

    private static String code(Throwable t) {
        return ((S3Exception) t).awsErrorDetails().errorCode();
    }

    @Test
    void compliancePreventsDeletionAndOnlyExtends() {
        Instant until = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String v = c.putObject(b -> b.bucket("locked").key("c").objectLockMode(ObjectLockMode.COMPLIANCE)
                .objectLockRetainUntilDate(until), RequestBody.fromString("immutable")).versionId();
        var ret = c.getObjectRetention(b -> b.bucket("locked").key("c").versionId(v)).retention();
        assertThat(ret.mode()).isEqualTo(ObjectLockRetentionMode.COMPLIANCE);
        assertThat(ret.retainUntilDate()).isEqualTo(until);
        assertThatThrownBy(() -> c.deleteObject(b -> b.bucket("locked").key("c").versionId(v).bypassGovernanceRetention(true)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("AccessDenied"));
        assertThatThrownBy(() -> c.putObjectRetention(b -> b.bucket("locked").key("c").versionId(v)
                .retention(r -> r.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(until.minusSeconds(3600)))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("AccessDenied"));
        c.putObjectRetention(b -> b.bucket("locked").key("c").versionId(v)
                .retention(r -> r.mode(ObjectLockRetentionMode.COMPLIANCE).retainUntilDate(until.plusSeconds(3600))));
        // an overwrite or a plain delete only stacks a new version / marker: the locked one stays
        c.putObject(b -> b.bucket("locked").key("c"), RequestBody.fromString("newer"));
        c.deleteObject(b -> b.bucket("locked").key("c"));
        assertThat(c.getObjectAsBytes(b -> b.bucket("locked").key("c").versionId(v)).asUtf8String()).isEqualTo("immutable");
    }

    @Test
    void governanceYieldsOnlyToBypass() {
        Instant until = Instant.now().plus(1, ChronoUnit.DAYS);
        String v = c.putObject(b -> b.bucket("locked").key("g").objectLockMode(ObjectLockMode.GOVERNANCE)
                .objectLockRetainUntilDate(until), RequestBody.fromString("governed")).versionId();
        assertThatThrownBy(() -> c.deleteObject(b -> b.bucket("locked").key("g").versionId(v)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("AccessDenied"));
        c.deleteObject(b -> b.bucket("locked").key("g").versionId(v).bypassGovernanceRetention(true));
        assertThatThrownBy(() -> c.getObjectAsBytes(b -> b.bucket("locked").key("g").versionId(v)))
                .isInstanceOf(S3Exception.class);
    }

    @Test
    void legalHoldAndDefaultRetention() {
        String v = c.putObject(b -> b.bucket("locked").key("h"), RequestBody.fromString("held")).versionId();
        c.putObjectLegalHold(b -> b.bucket("locked").key("h").versionId(v).legalHold(l -> l.status(ObjectLockLegalHoldStatus.ON)));
        assertThat(c.getObjectLegalHold(b -> b.bucket("locked").key("h").versionId(v)).legalHold().status())
                .isEqualTo(ObjectLockLegalHoldStatus.ON);
        assertThatThrownBy(() -> c.deleteObject(b -> b.bucket("locked").key("h").versionId(v).bypassGovernanceRetention(true)))
                .satisfies(e -> assertThat(code(e)).isEqualTo("AccessDenied"));
        c.putObjectLegalHold(b -> b.bucket("locked").key("h").versionId(v).legalHold(l -> l.status(ObjectLockLegalHoldStatus.OFF)));
        c.deleteObject(b -> b.bucket("locked").key("h").versionId(v));

        c.putObjectLockConfiguration(b -> b.bucket("locked").objectLockConfiguration(o -> o.objectLockEnabled(ObjectLockEnabled.ENABLED)
                .rule(r -> r.defaultRetention(d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).days(1)))));
        var conf = c.getObjectLockConfiguration(b -> b.bucket("locked")).objectLockConfiguration();
        assertThat(conf.rule().defaultRetention().days()).isEqualTo(1);
        String d = c.putObject(b -> b.bucket("locked").key("defaulted"), RequestBody.fromString("x")).versionId();
        assertThat(c.getObjectRetention(b -> b.bucket("locked").key("defaulted").versionId(d)).retention().mode())
                .isEqualTo(ObjectLockRetentionMode.GOVERNANCE);
        c.putObjectLockConfiguration(b -> b.bucket("locked").objectLockConfiguration(o -> o.objectLockEnabled(ObjectLockEnabled.ENABLED)));
    }

    @Test
    void lockRefusedWithoutObjectLockBucket() {
        c.createBucket(b -> b.bucket("unlocked"));
        assertThatThrownBy(() -> c.putObject(b -> b.bucket("unlocked").key("x").objectLockMode(ObjectLockMode.GOVERNANCE)
                .objectLockRetainUntilDate(Instant.now().plusSeconds(60)), RequestBody.fromString("x")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidRequest"));
        assertThatThrownBy(() -> c.getObjectLockConfiguration(b -> b.bucket("unlocked")))
                .satisfies(e -> assertThat(code(e)).isEqualTo("ObjectLockConfigurationNotFoundError"));
        assertThatThrownBy(() -> c.putBucketVersioning(b -> b.bucket("locked")
                .versioningConfiguration(v -> v.status(BucketVersioningStatus.SUSPENDED))))
                .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidBucketState"));
    }

    /**
     * A default retention beyond what a date can hold is refused when configured: Years=2147483647 was
     * stored, and every later PUT to the bucket failed with 500 computing the retain-until date.
     */
    @Test
    void defaultRetentionBeyondTheLimitsIsRefused() {
        c.createBucket(b -> b.bucket("lockcfg").objectLockEnabledForBucket(true));
        for (var rule : java.util.List.<java.util.function.Consumer<DefaultRetention.Builder>>of(
                d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).years(Integer.MAX_VALUE),
                d -> d.mode(ObjectLockRetentionMode.GOVERNANCE).years(101),
                d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).days(Integer.MAX_VALUE),
                d -> d.mode(ObjectLockRetentionMode.COMPLIANCE).days(36501))) {
            assertThatThrownBy(() -> c.putObjectLockConfiguration(b -> b.bucket("lockcfg").objectLockConfiguration(o -> o
                    .objectLockEnabled(ObjectLockEnabled.ENABLED).rule(r -> r.defaultRetention(rule)))))
                    .satisfies(e -> assertThat(code(e)).isEqualTo("InvalidArgument"));
        }
        String v = c.putObject(b -> b.bucket("lockcfg").key("still-writable"), RequestBody.fromString("x")).versionId();
        c.deleteObject(b -> b.bucket("lockcfg").key("still-writable").versionId(v));
        c.putObjectLockConfiguration(b -> b.bucket("lockcfg").objectLockConfiguration(o -> o
                .objectLockEnabled(ObjectLockEnabled.ENABLED).rule(r -> r.defaultRetention(d -> d
                        .mode(ObjectLockRetentionMode.GOVERNANCE).years(100)))));
        assertThat(c.getObjectLockConfiguration(b -> b.bucket("lockcfg")).objectLockConfiguration().rule().defaultRetention()
                .years()).isEqualTo(100);
    }
}
