package dev.cistern.iscsi.login;

import dev.cistern.iscsi.ChapCredentials;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LoginHandlerTest {
    private static final String TARGET = "iqn.2026-11.dev.cistern:t1";
    private static final String INITIATOR = "iqn.1994-05.com.example:host1";
    private static final ChapCredentials CHAP = new ChapCredentials("alice", "correct-horse-battery");
    private static final ChapCredentials MUTUAL = new ChapCredentials("target-t1", "target-secret-12345");

    private static LoginHandler handler(TargetDefinition def) {
        return new LoginHandler(() -> List.of(def), () -> 7);
    }

    private static TargetDefinition target(ChapCredentials chap, ChapCredentials mutual, Set<String> allowed) {
        return new TargetDefinition(TARGET, List.of(), chap, mutual, allowed);
    }

    private static Pdu request(int csg, int nsg, boolean transit, Map<String, String> keys) {
        Pdu p = Pdu.of(Opcode.LOGIN_REQUEST).flags((transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0));
        p.putBytes(8, new byte[]{0x40, 0, 0, 1, 2, 3}).itt(1).putInt(24, 10).putInt(28, 0);
        return p.data(TextParams.encode(keys));
    }

    private static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    private static int status(Pdu resp) {
        return resp.getShort(36);
    }

    @Test
    void loginWithoutAuthenticationReachesFullFeaturePhase() {
        LoginHandler h = handler(target(null, null, Set.of()));
        Pdu r1 = h.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET,
                "AuthMethod", "None")));
        assertThat(status(r1)).isZero();
        assertThat(TextParams.parse(r1.data())).containsEntry("AuthMethod", "None")
                .containsEntry("TargetPortalGroupTag", "1");
        Pdu r2 = h.handle(request(1, 3, true, keys("HeaderDigest", "CRC32C", "MaxRecvDataSegmentLength", "65536")));
        assertThat(status(r2)).isZero();
        assertThat(r2.flags() & 0x83).isEqualTo(0x83); // transit to full feature phase
        assertThat(r2.getShort(14)).isEqualTo(7); // TSIH assigned
        assertThat(r2.getInt(28)).isEqualTo(10); // ExpCmdSN = the login's CmdSN
        assertThat(h.complete()).isTrue();
        assertThat(h.params().headerDigest).isTrue();
        assertThat(h.params().initiatorMaxRecvDataSegment).isEqualTo(65536);
    }

    @Test
    void noTsihLeftFailsTheLoginWithOutOfResources() {
        // the allocator spun for ever with every TSIH taken; now it answers 0 and the login fails cleanly
        LoginHandler h = new LoginHandler(() -> List.of(target(null, null, Set.of())), () -> 0);
        assertThat(status(h.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET,
                "AuthMethod", "None"))))).isZero();
        Pdu r = h.handle(request(1, 3, true, keys("HeaderDigest", "None")));
        assertThat(status(r)).isEqualTo(LoginStatus.OUT_OF_RESOURCES);
        assertThat(r.flags() & 0x80).as("no transit").isZero();
        assertThat(h.failed()).isTrue();
        assertThat(h.complete()).isFalse();
    }

    @Test
    void unknownTargetAndMissingNameAreRefused() {
        assertThat(status(handler(target(null, null, Set.of())).handle(request(0, 1, true,
                keys("InitiatorName", INITIATOR, "TargetName", "iqn.nope:x"))))).isEqualTo(LoginStatus.NOT_FOUND);
        assertThat(status(handler(target(null, null, Set.of())).handle(request(0, 1, true,
                keys("TargetName", TARGET))))).isEqualTo(LoginStatus.MISSING_PARAMETER);
    }

    @Test
    void initiatorNotInTheAccessListIsRefused() {
        LoginHandler h = handler(target(null, null, Set.of("iqn.1994-05.com.example:other")));
        Pdu r = h.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET)));
        assertThat(status(r)).isEqualTo(LoginStatus.AUTHORIZATION_FAILED);
        assertThat(h.failed()).isTrue();
    }

    private static Map<String, String> chapUntilChallenge(LoginHandler h) {
        Pdu r1 = h.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET,
                "AuthMethod", "CHAP,None")));
        assertThat(TextParams.parse(r1.data())).containsEntry("AuthMethod", "CHAP");
        assertThat(r1.flags() & 0x80).isZero(); // may not leave the security stage yet
        Pdu r2 = h.handle(request(0, 1, true, keys("CHAP_A", "7,5")));
        Map<String, String> c = TextParams.parse(r2.data());
        assertThat(c).containsEntry("CHAP_A", "5").containsKeys("CHAP_I", "CHAP_C");
        return c;
    }

    @Test
    void chapWithTheRightSecretSucceedsAndTheWrongOneFails() {
        LoginHandler good = handler(target(CHAP, null, Set.of()));
        Map<String, String> c = chapUntilChallenge(good);
        byte[] resp = Chap.response(Integer.parseInt(c.get("CHAP_I")), CHAP.secretBytes(), Chap.decode(c.get("CHAP_C")));
        Pdu ok = good.handle(request(0, 1, true, keys("CHAP_N", "alice", "CHAP_R", Chap.encode(resp))));
        assertThat(status(ok)).isZero();
        assertThat(ok.flags() & 0x80).isEqualTo(0x80);

        LoginHandler bad = handler(target(CHAP, null, Set.of()));
        c = chapUntilChallenge(bad);
        resp = Chap.response(Integer.parseInt(c.get("CHAP_I")), "wrong-secret-xyz".getBytes(),
                Chap.decode(c.get("CHAP_C")));
        Pdu no = bad.handle(request(0, 1, true, keys("CHAP_N", "alice", "CHAP_R", Chap.encode(resp))));
        assertThat(status(no)).isEqualTo(LoginStatus.AUTHENTICATION_FAILED);
    }

    @Test
    void skippingTheSecurityStageOfAChapTargetFails() {
        LoginHandler h = handler(target(CHAP, null, Set.of()));
        Pdu r = h.handle(request(1, 3, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET)));
        assertThat(status(r)).isEqualTo(LoginStatus.AUTHENTICATION_FAILED);
    }

    @Test
    void mutualChapProvesTheTargetAndRefusesAReflectedChallenge() {
        LoginHandler h = handler(target(CHAP, MUTUAL, Set.of()));
        Map<String, String> c = chapUntilChallenge(h);
        byte[] resp = Chap.response(Integer.parseInt(c.get("CHAP_I")), CHAP.secretBytes(), Chap.decode(c.get("CHAP_C")));
        byte[] myChallenge = Chap.newChallenge();
        Pdu ok = h.handle(request(0, 1, true, keys("CHAP_N", "alice", "CHAP_R", Chap.encode(resp),
                "CHAP_I", "33", "CHAP_C", Chap.encode(myChallenge))));
        assertThat(status(ok)).isZero();
        Map<String, String> answer = TextParams.parse(ok.data());
        assertThat(answer).containsEntry("CHAP_N", "target-t1");
        assertThat(Chap.decode(answer.get("CHAP_R"))).isEqualTo(Chap.response(33, MUTUAL.secretBytes(), myChallenge));

        LoginHandler reflect = handler(target(CHAP, MUTUAL, Set.of()));
        c = chapUntilChallenge(reflect);
        resp = Chap.response(Integer.parseInt(c.get("CHAP_I")), CHAP.secretBytes(), Chap.decode(c.get("CHAP_C")));
        Pdu no = reflect.handle(request(0, 1, true, keys("CHAP_N", "alice", "CHAP_R", Chap.encode(resp),
                "CHAP_I", "33", "CHAP_C", c.get("CHAP_C"))));
        assertThat(status(no)).isEqualTo(LoginStatus.AUTHENTICATION_FAILED);
    }

    @Test
    void discoverySessionNeedsNoTarget() {
        LoginHandler h = handler(target(CHAP, null, Set.of()));
        Pdu r = h.handle(request(1, 3, true, keys("InitiatorName", INITIATOR, "SessionType", "Discovery")));
        assertThat(status(r)).isZero();
        assertThat(h.discovery()).isTrue();
        assertThat(h.complete()).isTrue();
    }

    @Test
    void chapEncodingAcceptsHexAndBase64() {
        assertThat(Chap.decode("0x0102ff")).containsExactly(1, 2, 0xff);
        assertThat(Chap.decode("0bAQL/")).containsExactly(1, 2, 0xff);
        assertThat(Chap.encode(new byte[]{1, 2, (byte) 0xff})).isEqualTo("0x0102ff");
    }

    @Test
    void aKeySentTwiceInOnePduIsAnInitiatorError() {
        LoginHandler h = handler(target(null, null, Set.of()));
        Pdu req = request(0, 1, true, Map.of());
        String text = "InitiatorName=" + INITIATOR + "\0TargetName=" + TARGET + "\0AuthMethod=None\0AuthMethod=CHAP\0";
        req.data(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Pdu r = h.handle(req);
        assertThat(status(r)).isEqualTo(LoginStatus.INITIATOR_ERROR);
        assertThat(h.failed()).isTrue();
    }

    @Test
    void aKeyNegotiatedAgainInALaterPduIsAnInitiatorError() {
        LoginHandler h = handler(target(null, null, Set.of()));
        assertThat(status(h.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET,
                "AuthMethod", "None"))))).isZero();
        assertThat(status(h.handle(request(1, 3, false, keys("MaxBurstLength", "65536"))))).isZero();
        Pdu r = h.handle(request(1, 3, true, keys("MaxBurstLength", "131072")));
        assertThat(status(r)).isEqualTo(LoginStatus.INITIATOR_ERROR);
        assertThat(h.complete()).isFalse();
    }

    @Test
    void aLoginThatKeepsSendingNewKeysIsRefusedOnceItsTextPassesTheLimit() {
        // every key of a login is remembered (negotiating one again is an error) and nothing bounded how
        // many: an unauthenticated connection sending login PDUs of new keys grew the heap without end
        LoginHandler h = handler(target(null, null, Set.of()));
        assertThat(status(h.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET,
                "AuthMethod", "None"))))).isZero();
        int status = LoginStatus.SUCCESS;
        int pdus = 0;
        while (status == LoginStatus.SUCCESS && pdus < 1000) {
            Map<String, String> junk = new LinkedHashMap<>();
            for (int i = 0; i < 100; i++) junk.put("X-junk-" + pdus + "-" + i, "v".repeat(60)); // ~8 KB a PDU
            status = status(h.handle(request(1, 3, false, junk)));
            pdus++;
        }
        assertThat(status).isEqualTo(LoginStatus.INITIATOR_ERROR);
        assertThat(pdus).isLessThanOrEqualTo(LoginHandler.MAX_LOGIN_TEXT / 7_000 + 1);
        assertThat(h.failed()).isTrue();
    }

    @Test
    void restatingWhoLogsInToWhatWithTheSameValueIsTolerated() {
        // libiscsi sends InitiatorName and TargetName again in the operational stage
        LoginHandler h = handler(target(null, null, Set.of()));
        assertThat(status(h.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET,
                "AuthMethod", "None"))))).isZero();
        Pdu r = h.handle(request(1, 3, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET,
                "MaxRecvDataSegmentLength", "65536")));
        assertThat(status(r)).isZero();
        assertThat(h.complete()).isTrue();
        LoginHandler h2 = handler(target(null, null, Set.of()));
        h2.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET, "AuthMethod", "None")));
        Pdu r2 = h2.handle(request(1, 3, true, keys("TargetName", "iqn.2026-11.dev.cistern:other")));
        assertThat(status(r2)).isEqualTo(LoginStatus.INITIATOR_ERROR);
    }

    @Test
    void firstBurstLengthIsCappedAtMaxBurstLength() {
        // RFC 7143 13.14: FirstBurstLength MUST NOT exceed MaxBurstLength; it was negotiated on its own
        LoginHandler h = handler(target(null, null, Set.of()));
        h.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET, "AuthMethod", "None")));
        Pdu r = h.handle(request(1, 3, true, keys("FirstBurstLength", "65536", "MaxBurstLength", "16384")));
        assertThat(status(r)).isZero();
        assertThat(TextParams.parse(r.data())).containsEntry("MaxBurstLength", "16384")
                .containsEntry("FirstBurstLength", "16384");
        assertThat(h.params().firstBurstLength).isEqualTo(16384);
        LoginHandler defaults = handler(target(null, null, Set.of()));
        defaults.handle(request(0, 1, true, keys("InitiatorName", INITIATOR, "TargetName", TARGET,
                "AuthMethod", "None")));
        defaults.handle(request(1, 3, true, keys("MaxBurstLength", "8192"))); // FirstBurstLength left at 65536
        assertThat(defaults.params().firstBurstLength).isEqualTo(8192);
    }
}
