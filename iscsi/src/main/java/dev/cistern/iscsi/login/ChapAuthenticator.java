package dev.cistern.iscsi.login;

import dev.cistern.iscsi.ChapCredentials;
import dev.cistern.iscsi.TargetDefinition;

import java.util.Arrays;
import java.util.Map;

/**
 * The security stage of a login: AuthMethod choice, then CHAP (algorithm, challenge, response) and
 * optionally mutual CHAP where the target proves itself with its own secret. A step returns a login
 * status; anything but SUCCESS ends the login.
 */
final class ChapAuthenticator {
    private enum State { START, AWAIT_ALGORITHM, AWAIT_RESPONSE, DONE }

    private State state = State.START;
    private boolean authenticated;
    private int id;
    private byte[] challenge;

    boolean authenticated() {
        return authenticated;
    }

    boolean inProgress() {
        return state == State.AWAIT_ALGORITHM || state == State.AWAIT_RESPONSE;
    }

    /** @param target null for a discovery session, which is never challenged */
    int step(Map<String, String> keys, Map<String, String> answer, TargetDefinition target) {
        ChapCredentials creds = target == null ? null : target.chap();
        String methods = keys.get("AuthMethod");
        if (methods != null && state == State.START) {
            java.util.List<String> offered = Arrays.stream(methods.split(",")).map(String::trim).toList();
            if (creds != null) {
                if (!offered.contains("CHAP")) return LoginStatus.AUTHENTICATION_FAILED;
                answer.put("AuthMethod", "CHAP");
                state = State.AWAIT_ALGORITHM;
            } else {
                if (!offered.contains("None")) return LoginStatus.AUTHENTICATION_FAILED;
                answer.put("AuthMethod", "None");
                state = State.DONE;
                authenticated = true;
            }
            return LoginStatus.SUCCESS;
        }
        if (creds == null) {
            if (state == State.START) authenticated = true;
            return keys.containsKey("CHAP_A") || keys.containsKey("CHAP_R") ? LoginStatus.AUTHENTICATION_FAILED
                    : LoginStatus.SUCCESS;
        }
        if (state == State.AWAIT_ALGORITHM && keys.containsKey("CHAP_A")) {
            boolean md5 = Arrays.stream(keys.get("CHAP_A").split(",")).map(String::trim)
                    .anyMatch(Chap.ALGORITHM_MD5::equals);
            if (!md5) return LoginStatus.AUTHENTICATION_FAILED;
            id = Chap.newIdentifier();
            challenge = Chap.newChallenge();
            answer.put("CHAP_A", Chap.ALGORITHM_MD5);
            answer.put("CHAP_I", Integer.toString(id));
            answer.put("CHAP_C", Chap.encode(challenge));
            state = State.AWAIT_RESPONSE;
            return LoginStatus.SUCCESS;
        }
        if (state == State.AWAIT_RESPONSE && keys.containsKey("CHAP_R")) {
            return verify(keys, answer, target);
        }
        // a PDU carrying none of what this state waits for
        return state == State.DONE || state == State.START && keys.isEmpty() ? LoginStatus.SUCCESS
                : keys.containsKey("CHAP_A") || keys.containsKey("CHAP_R") ? LoginStatus.AUTHENTICATION_FAILED
                : LoginStatus.SUCCESS;
    }

    private int verify(Map<String, String> keys, Map<String, String> answer, TargetDefinition target) {
        ChapCredentials creds = target.chap();
        byte[] response;
        try {
            response = Chap.decode(keys.get("CHAP_R"));
        } catch (IllegalArgumentException e) {
            return LoginStatus.AUTHENTICATION_FAILED;
        }
        if (!creds.user().equals(keys.get("CHAP_N"))
                || !Chap.matches(Chap.response(id, creds.secretBytes(), challenge), response)) {
            return LoginStatus.AUTHENTICATION_FAILED;
        }
        String mutualId = keys.get("CHAP_I");
        String mutualChallenge = keys.get("CHAP_C");
        if (mutualId != null || mutualChallenge != null) {
            ChapCredentials mutual = target.mutualChap();
            if (mutual == null || mutualId == null || mutualChallenge == null) return LoginStatus.AUTHENTICATION_FAILED;
            byte[] c;
            int i;
            try {
                c = Chap.decode(mutualChallenge);
                i = Integer.parseInt(mutualId);
            } catch (IllegalArgumentException e) {
                return LoginStatus.AUTHENTICATION_FAILED;
            }
            // a reflected challenge would let an attacker use us as an oracle for our own secret
            if (i < 0 || i > 255 || Arrays.equals(c, challenge)) return LoginStatus.AUTHENTICATION_FAILED;
            answer.put("CHAP_N", mutual.user());
            answer.put("CHAP_R", Chap.encode(Chap.response(i, mutual.secretBytes(), c)));
        }
        state = State.DONE;
        authenticated = true;
        return LoginStatus.SUCCESS;
    }
}
