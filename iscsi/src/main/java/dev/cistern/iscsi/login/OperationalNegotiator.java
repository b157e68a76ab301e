package dev.cistern.iscsi.login;

import java.util.Map;
import java.util.Set;

/**
 * Answers operational keys (RFC 7143 section 13) and records the outcome in {@link SessionParams}.
 * Each key has one of the spec's result functions: list choice (digests), minimum (burst lengths,
 * MaxConnections, ErrorRecoveryLevel...), maximum (DefaultTime2Wait), OR (InitialR2T, in-order flags),
 * AND (ImmediateData, markers), or is declarative (MaxRecvDataSegmentLength). Values outside the legal
 * range are answered with "Reject"; keys this target does not know with "NotUnderstood".
 */
public final class OperationalNegotiator {
    /** Keys handled by the login state machine itself, not negotiated here. */
    private static final Set<String> LOGIN_KEYS = Set.of("InitiatorName", "InitiatorAlias", "TargetName",
            "SessionType", "AuthMethod", "CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R", "TargetAlias",
            "TargetPortalGroupTag", "TargetAddress");

    private final SessionParams params;

    public OperationalNegotiator(SessionParams params) {
        this.params = params;
    }

    /** Adds to {@code response} the answer to each operational key of {@code request}. */
    public void negotiate(Map<String, String> request, Map<String, String> response) {
        for (Map.Entry<String, String> e : request.entrySet()) {
            String key = e.getKey();
            if (LOGIN_KEYS.contains(key)) continue;
            String answer = answer(key, e.getValue());
            if (answer != null) response.put(key, answer);
        }
        capFirstBurst(response);
    }

    /**
     * FirstBurstLength must not exceed MaxBurstLength (RFC 7143 section 13.14), yet each is negotiated
     * on its own (and either may keep its default), so the pair can come out inverted: FirstBurstLength
     * is then lowered to MaxBurstLength, in the answer too when this PDU negotiated it. A value answered
     * in an earlier PDU of the login cannot be negotiated again; the target just holds the initiator to
     * the lower one, which a conforming initiator keeps to anyway (no sequence exceeds MaxBurstLength).
     */
    private void capFirstBurst(Map<String, String> response) {
        if (params.firstBurstLength <= params.maxBurstLength) return;
        params.firstBurstLength = params.maxBurstLength;
        if (response.containsKey("FirstBurstLength") && !response.get("FirstBurstLength").equals("Reject")) {
            response.put("FirstBurstLength", Integer.toString(params.firstBurstLength));
        }
    }

    private String answer(String key, String v) {
        switch (key) {
            case "HeaderDigest" -> {
                String d = pickDigest(v);
                if (d != null) params.headerDigest = d.equals("CRC32C");
                return d == null ? "Reject" : d;
            }
            case "DataDigest" -> {
                String d = pickDigest(v);
                if (d != null) params.dataDigest = d.equals("CRC32C");
                return d == null ? "Reject" : d;
            }
            case "MaxRecvDataSegmentLength" -> {
                Integer n = number(v, 512, 16777215);
                if (n == null) return "Reject";
                params.initiatorMaxRecvDataSegment = n;
                return null; // declarative: the target declares its own value separately
            }
            case "MaxBurstLength" -> {
                Integer n = number(v, 512, 16777215);
                if (n == null) return "Reject";
                params.maxBurstLength = Math.min(n, SessionParams.TARGET_MAX_BURST);
                return Integer.toString(params.maxBurstLength);
            }
            case "FirstBurstLength" -> {
                Integer n = number(v, 512, 16777215);
                if (n == null) return "Reject";
                params.firstBurstLength = Math.min(n, SessionParams.TARGET_MAX_BURST);
                return Integer.toString(params.firstBurstLength);
            }
            case "MaxOutstandingR2T" -> {
                Integer n = number(v, 1, 65535);
                if (n == null) return "Reject";
                params.maxOutstandingR2T = 1; // one R2T at a time per command keeps Data-Out in order
                return "1";
            }
            case "DefaultTime2Wait" -> {
                Integer n = number(v, 0, 3600);
                if (n == null) return "Reject";
                params.defaultTime2Wait = Math.max(n, 2);
                return Integer.toString(params.defaultTime2Wait);
            }
            case "DefaultTime2Retain" -> {
                Integer n = number(v, 0, 3600);
                if (n == null) return "Reject";
                params.defaultTime2Retain = 0; // ErrorRecoveryLevel 0: no connection reinstatement to wait for
                return "0";
            }
            case "ErrorRecoveryLevel" -> {
                Integer n = number(v, 0, 2);
                if (n == null) return "Reject";
                params.errorRecoveryLevel = 0;
                return "0";
            }
            case "MaxConnections" -> {
                Integer n = number(v, 1, 65535);
                if (n == null) return "Reject";
                params.maxConnections = 1;
                return "1";
            }
            case "InitialR2T" -> {
                Boolean b = bool(v);
                if (b == null) return "Reject";
                params.initialR2T = b; // OR with the target's No
                return yesNo(b);
            }
            case "ImmediateData" -> {
                Boolean b = bool(v);
                if (b == null) return "Reject";
                params.immediateData = b; // AND with the target's Yes
                return yesNo(b);
            }
            case "DataPDUInOrder" -> {
                Boolean b = bool(v);
                if (b == null) return "Reject";
                params.dataPduInOrder = true; // OR with the target's Yes
                return "Yes";
            }
            case "DataSequenceInOrder" -> {
                Boolean b = bool(v);
                if (b == null) return "Reject";
                params.dataSequenceInOrder = true;
                return "Yes";
            }
            case "IFMarker", "OFMarker" -> {
                return bool(v) == null ? "Reject" : "No";
            }
            case "IFMarkInt", "OFMarkInt" -> {
                return "Irrelevant";
            }
            default -> {
                return "NotUnderstood";
            }
        }
    }

    private static String pickDigest(String list) {
        for (String s : list.split(",")) {
            String t = s.trim();
            if (t.equals("None") || t.equals("CRC32C")) return t;
        }
        return null;
    }

    private static Integer number(String v, int min, int max) {
        try {
            long n = v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v);
            return n < min || n > max ? null : (int) n;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Boolean bool(String v) {
        return switch (v) {
            case "Yes" -> true;
            case "No" -> false;
            default -> null;
        };
    }

    private static String yesNo(boolean b) {
        return b ? "Yes" : "No";
    }
}
