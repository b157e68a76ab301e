package dev.cistern.iscsi.login;

import dev.cistern.iscsi.TargetCatalog;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The login phase of one connection (RFC 7143 sections 6 and 11.12-11.13), socket-free: feed it each
 * Login Request, send back what it returns. Stages: security (CHAP or none), operational negotiation,
 * then full feature phase. A failed login returns a response with a non-zero status after which the
 * caller closes the connection.
 */
public final class LoginHandler {
    private static final int STAGE_SECURITY = 0;
    private static final int STAGE_OPERATIONAL = 1;
    private static final int STAGE_FULL_FEATURE = 3;
    /** Commands the target queues per session: sets MaxCmdSN = ExpCmdSN + WINDOW - 1. */
    public static final int CMD_WINDOW = 64;
    /**
     * Text all the PDUs of one login may carry together: a login takes a few hundred bytes (a few KB
     * with CHAP), and every key is kept until the login ends, on a connection nobody has authenticated.
     */
    public static final int MAX_LOGIN_TEXT = 64 * 1024;

    private final TargetCatalog catalog;
    private final IntSupplier tsihAllocator;
    private final SessionParams params = new SessionParams();
    private final OperationalNegotiator negotiator = new OperationalNegotiator(params);
    private final ChapAuthenticator chap = new ChapAuthenticator();

    /**
     * Keys the initiator may repeat in later PDUs of the login with the same value: who it is and what
     * it logs in to (libiscsi sends InitiatorName and TargetName again in the operational stage).
     */
    private static final Set<String> RESTATABLE = Set.of("InitiatorName", "InitiatorAlias", "TargetName",
            "SessionType", "AuthMethod");

    /** Every key the initiator sent so far in this login, with its value. */
    private final Map<String, String> declared = new HashMap<>();
    private boolean first = true;
    /** Bytes of text this login's requests carried so far, up to {@link #MAX_LOGIN_TEXT}. */
    private int text;
    private boolean complete;
    private boolean failed;
    private boolean declaredLimits;
    private String initiatorName;
    private boolean discovery;
    private TargetDefinition target;
    private byte[] isid;
    private int tsih;
    private int statSn;
    private int expCmdSn;

    /** @param tsihAllocator a fresh TSIH, or 0 when the target has no session left to give */
    public LoginHandler(TargetCatalog catalog, IntSupplier tsihAllocator) {
        this.catalog = catalog;
        this.tsihAllocator = tsihAllocator;
    }

    public Pdu handle(Pdu req) {
        if (req.opcode() != Opcode.LOGIN_REQUEST) return fail(req, LoginStatus.INVALID_DURING_LOGIN);
        text += req.data().length; // each below 2^24 and the sum checked at once: no overflow
        if (text > MAX_LOGIN_TEXT) return fail(req, LoginStatus.INITIATOR_ERROR);
        int flags = req.flags();
        boolean transit = (flags & 0x80) != 0;
        int csg = (flags >>> 2) & 0x03;
        int nsg = flags & 0x03;
        if (first) {
            isid = req.range(8, 6);
            statSn = req.getInt(28);
            if (req.getByte(3) > 0) return fail(req, LoginStatus.UNSUPPORTED_VERSION);
            if (req.getShort(14) != 0) return fail(req, LoginStatus.SESSION_DOES_NOT_EXIST);
        }
        expCmdSn = req.getInt(24);
        if ((flags & 0x40) != 0) return fail(req, LoginStatus.INITIATOR_ERROR); // text continuation not needed here
        if (csg == 2 || (transit && (nsg == 2 || nsg <= csg))) return fail(req, LoginStatus.INITIATOR_ERROR);
        Map<String, String> keys;
        try {
            keys = TextParams.parse(req.data());
        } catch (IllegalArgumentException e) {
            return fail(req, LoginStatus.INITIATOR_ERROR); // malformed, or a key twice in this PDU
        }
        if (redeclares(keys)) return fail(req, LoginStatus.INITIATOR_ERROR);
        Map<String, String> answer = new LinkedHashMap<>();
        if (first) {
            first = false;
            int status = identify(keys, answer);
            if (status != LoginStatus.SUCCESS) return fail(req, status);
        }
        boolean chapRequired = !discovery && target.chap() != null;
        if (csg == STAGE_SECURITY) {
            int status = chap.step(keys, answer, discovery ? null : target);
            if (status != LoginStatus.SUCCESS) return fail(req, status);
        } else if (chapRequired && !chap.authenticated()) {
            return fail(req, LoginStatus.AUTHENTICATION_FAILED); // skipped the security stage
        }
        negotiator.negotiate(keys, answer);
        if (csg == STAGE_OPERATIONAL && !declaredLimits) {
            declaredLimits = true;
            answer.put("MaxRecvDataSegmentLength", Integer.toString(SessionParams.TARGET_MAX_RECV_DATA_SEGMENT));
        }
        if (transit && csg == STAGE_SECURITY && chapRequired && !chap.authenticated()) {
            if (!chap.inProgress()) return fail(req, LoginStatus.AUTHENTICATION_FAILED);
            transit = false; // still exchanging CHAP values: stay in the security stage
        }
        Pdu resp = response(req, transit, csg, nsg, LoginStatus.SUCCESS);
        if (transit && nsg == STAGE_FULL_FEATURE) {
            tsih = tsihAllocator.getAsInt();
            if (tsih == 0) return fail(req, LoginStatus.OUT_OF_RESOURCES); // the target's session cap
            resp.putShort(14, tsih);
            complete = true;
        }
        resp.data(TextParams.encode(answer));
        return resp;
    }

    /**
     * Whether {@code keys} negotiates or declares again a key of an earlier PDU of this login, which RFC
     * 7143 section 6.2 makes a protocol error the target answers with Initiator Error. Restating who is
     * logging in to what with the same value is tolerated.
     */
    private boolean redeclares(Map<String, String> keys) {
        for (Map.Entry<String, String> e : keys.entrySet()) {
            String before = declared.putIfAbsent(e.getKey(), e.getValue());
            if (before != null && !(RESTATABLE.contains(e.getKey()) && before.equals(e.getValue()))) return true;
        }
        return false;
    }

    /** First PDU: who is logging in to what, and may they. */
    private int identify(Map<String, String> keys, Map<String, String> answer) {
        initiatorName = keys.get("InitiatorName");
        if (initiatorName == null || initiatorName.isEmpty()) return LoginStatus.MISSING_PARAMETER;
        String type = keys.getOrDefault("SessionType", "Normal");
        if (type.equals("Discovery")) {
            discovery = true;
            return LoginStatus.SUCCESS;
        }
        if (!type.equals("Normal")) return LoginStatus.SESSION_TYPE_NOT_SUPPORTED;
        String name = keys.get("TargetName");
        if (name == null || name.isEmpty()) return LoginStatus.MISSING_PARAMETER;
        target = catalog.target(name).orElse(null);
        if (target == null) return LoginStatus.NOT_FOUND;
        if (!target.allows(initiatorName)) return LoginStatus.AUTHORIZATION_FAILED;
        answer.put("TargetPortalGroupTag", "1");
        return LoginStatus.SUCCESS;
    }

    /**
     * The response failing this login with {@code status} for a request the caller could not pass to
     * {@link #handle} (one whose data segment was too long to read); only its header is used.
     */
    public Pdu refuse(Pdu req, int status) {
        return fail(req, status);
    }

    private Pdu fail(Pdu req, int status) {
        failed = true;
        Pdu resp = response(req, false, 0, 0, status);
        return resp;
    }

    private Pdu response(Pdu req, boolean transit, int csg, int nsg, int status) {
        Pdu p = Pdu.of(Opcode.LOGIN_RESPONSE);
        p.flags((transit ? 0x80 : 0) | (csg << 2) | (transit ? nsg : 0));
        p.putBytes(8, req.range(8, 6));
        p.itt(req.itt());
        p.putInt(24, statSn++);
        p.putInt(28, expCmdSn);
        p.putInt(32, expCmdSn + CMD_WINDOW - 1);
        p.putByte(36, status >>> 8);
        p.putByte(37, status & 0xff);
        return p;
    }

    public boolean complete() {
        return complete;
    }

    public boolean failed() {
        return failed;
    }

    public SessionParams params() {
        return params;
    }

    public String initiatorName() {
        return initiatorName;
    }

    public boolean discovery() {
        return discovery;
    }

    public TargetDefinition target() {
        return target;
    }

    public String isidHex() {
        return HexFormat.of().formatHex(isid);
    }

    public int tsih() {
        return tsih;
    }

    /** The StatSN the first full-feature response will carry. */
    public int nextStatSn() {
        return statSn;
    }

    public int expCmdSn() {
        return expCmdSn;
    }
}
