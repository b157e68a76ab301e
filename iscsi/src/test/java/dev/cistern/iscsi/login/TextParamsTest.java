package dev.cistern.iscsi.login;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextParamsTest {

    @Test
    void parsesNulSeparatedPairsKeepingOrder() {
        byte[] d = "A=1\0B=x=y\0\0".getBytes(StandardCharsets.UTF_8);
        assertThat(TextParams.parse(d)).containsExactly(Map.entry("A", "1"), Map.entry("B", "x=y"));
    }

    @Test
    void refusesAKeySentTwice() {
        // RFC 7143 6.2: a key declared or negotiated twice is a protocol error; the first value used to win
        assertThatThrownBy(() -> TextParams.parse("A=1\0B=2\0A=2\0".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'A' sent twice");
    }

    @Test
    void refusesPairsWithoutKey() {
        assertThatThrownBy(() -> TextParams.parse("=v\0".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TextParams.parse("novalue\0".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodeIsTheInverseOfParse() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("TargetName", "iqn.x:y");
        m.put("TargetAddress", "127.0.0.1:3260,1");
        assertThat(TextParams.parse(TextParams.encode(m))).isEqualTo(m);
    }

    @Test
    void negotiatesEachKeyWithItsResultFunction() {
        SessionParams p = new SessionParams();
        Map<String, String> req = new LinkedHashMap<>();
        req.put("HeaderDigest", "CRC32C,None");
        req.put("DataDigest", "None");
        req.put("MaxBurstLength", "99999999");
        req.put("FirstBurstLength", "65536");
        req.put("InitialR2T", "No");
        req.put("ImmediateData", "Yes");
        req.put("MaxRecvDataSegmentLength", "131072");
        req.put("ErrorRecoveryLevel", "2");
        req.put("MaxConnections", "8");
        req.put("DefaultTime2Wait", "1");
        req.put("X-com.example.Foo", "bar");
        req.put("MaxOutstandingR2T", "zero");
        Map<String, String> resp = new LinkedHashMap<>();
        new OperationalNegotiator(p).negotiate(req, resp);
        assertThat(resp).containsEntry("HeaderDigest", "CRC32C").containsEntry("DataDigest", "None")
                .containsEntry("InitialR2T", "No").containsEntry("ImmediateData", "Yes")
                .containsEntry("ErrorRecoveryLevel", "0").containsEntry("MaxConnections", "1")
                .containsEntry("DefaultTime2Wait", "2").containsEntry("X-com.example.Foo", "NotUnderstood")
                .containsEntry("MaxOutstandingR2T", "Reject").doesNotContainKey("MaxRecvDataSegmentLength");
        assertThat(resp.get("MaxBurstLength")).isEqualTo("Reject"); // above the 24-bit legal range
        assertThat(p.headerDigest).isTrue();
        assertThat(p.initialR2T).isFalse();
        assertThat(p.initiatorMaxRecvDataSegment).isEqualTo(131072);
        assertThat(p.errorRecoveryLevel).isZero();
    }
}
