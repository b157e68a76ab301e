package dev.cistern.s3.auth;

import dev.cistern.s3.S3Credentials;
import dev.cistern.s3.S3Error;
import dev.cistern.s3.S3Exception;
import dev.cistern.s3.http.S3Request;
import dev.cistern.s3.http.Uri;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks AWS Signature V4 in the Authorization header or in the query string (presigned URLs), and the
 * request time against the clock. The canonical request is rebuilt from the decoded path and query,
 * re-encoded with the SigV4 rule, so clients that escape more or fewer characters still verify.
 */
public final class SigV4Verifier {
    static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final long MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

    private final S3Credentials credentials;
    private final Clock clock;
    private final Duration maxSkew;
    private final java.util.concurrent.ConcurrentHashMap<String, byte[]> signingKeys = new java.util.concurrent.ConcurrentHashMap<>();

    public SigV4Verifier(S3Credentials credentials, Clock clock, Duration maxSkew) {
        this.credentials = credentials;
        this.clock = clock;
        this.maxSkew = maxSkew;
    }

    public AuthResult verify(S3Request req) {
        String auth = req.header("Authorization");
        if (auth != null) return verifyHeader(req, auth);
        if (req.hasQuery("X-Amz-Signature")) return verifyPresigned(req);
        if (req.hasQuery("Signature") || req.hasQuery("AWSAccessKeyId")) {
            throw new S3Exception(S3Error.ACCESS_DENIED, "signature version 2 is not supported; sign with AWS4-HMAC-SHA256");
        }
        throw new S3Exception(S3Error.ACCESS_DENIED, "anonymous access is not allowed; sign the request with an access key");
    }

    private AuthResult verifyHeader(S3Request req, String auth) {
        if (!auth.startsWith(SigV4.ALGORITHM + " ")) {
            if (auth.startsWith("AWS ")) {
                throw new S3Exception(S3Error.ACCESS_DENIED, "signature version 2 is not supported; sign with AWS4-HMAC-SHA256");
            }
            throw new S3Exception(S3Error.AUTHORIZATION_HEADER_MALFORMED, "unsupported Authorization algorithm");
        }
        String credential = null, signedHeaders = null, signature = null;
        for (String part : auth.substring(SigV4.ALGORITHM.length() + 1).split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) continue;
            String v = p.substring(eq + 1).trim();
            switch (p.substring(0, eq).trim()) {
                case "Credential" -> credential = v;
                case "SignedHeaders" -> signedHeaders = v;
                case "Signature" -> signature = v;
                default -> { }
            }
        }
        if (credential == null || signedHeaders == null || signature == null) {
            throw new S3Exception(S3Error.AUTHORIZATION_HEADER_MALFORMED,
                    "the Authorization header needs Credential, SignedHeaders and Signature");
        }
        String amzDate = req.header("x-amz-date");
        Instant time;
        if (amzDate != null) {
            time = parseAmzDate(amzDate, S3Error.ACCESS_DENIED);
        } else if (req.header("Date") != null) {
            try {
                time = ZonedDateTime.parse(req.header("Date"), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            } catch (DateTimeParseException e) {
                throw new S3Exception(S3Error.ACCESS_DENIED, "unparsable Date header '" + req.header("Date") + "'");
            }
            amzDate = AMZ_DATE.format(time.atOffset(ZoneOffset.UTC));
        } else {
            throw new S3Exception(S3Error.ACCESS_DENIED, "the request has neither x-amz-date nor Date");
        }
        Instant now = clock.instant();
        if (Duration.between(time, now).abs().compareTo(maxSkew) > 0) {
            throw new S3Exception(S3Error.REQUEST_TIME_TOO_SKEWED, "the request time " + time + " differs from the server time "
                    + now + " by more than " + maxSkew.toMinutes() + " minutes; fix the client's clock");
        }
        // S3 requires the header with Authorization-header signing: a default would let a body the
        // client meant to sign be taken as UNSIGNED-PAYLOAD (presigned URLs, below, are the exception)
        String payload = req.header("x-amz-content-sha256");
        if (payload == null) {
            throw new S3Exception(S3Error.INVALID_REQUEST, "Missing required header for this request: x-amz-content-sha256;"
                    + " send the body's SHA-256, UNSIGNED-PAYLOAD or a STREAMING-* mode", req.resource());
        }
        return check(req, credential, signedHeaders, signature, amzDate, payload, false, S3Error.AUTHORIZATION_HEADER_MALFORMED);
    }

    private AuthResult verifyPresigned(S3Request req) {
        if (!SigV4.ALGORITHM.equals(req.query("X-Amz-Algorithm"))) {
            throw new S3Exception(S3Error.AUTHORIZATION_QUERY_MALFORMED, "X-Amz-Algorithm must be " + SigV4.ALGORITHM);
        }
        String credential = req.query("X-Amz-Credential");
        String amzDate = req.query("X-Amz-Date");
        String expires = req.query("X-Amz-Expires");
        String signedHeaders = req.query("X-Amz-SignedHeaders");
        String signature = req.query("X-Amz-Signature");
        if (credential == null || amzDate == null || expires == null || signedHeaders == null) {
            throw new S3Exception(S3Error.AUTHORIZATION_QUERY_MALFORMED,
                    "a presigned URL needs X-Amz-Credential, X-Amz-Date, X-Amz-Expires and X-Amz-SignedHeaders");
        }
        Instant time = parseAmzDate(amzDate, S3Error.AUTHORIZATION_QUERY_MALFORMED);
        long seconds;
        try {
            seconds = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            seconds = -1;
        }
        if (seconds < 0 || seconds > MAX_PRESIGN_SECONDS) {
            throw new S3Exception(S3Error.AUTHORIZATION_QUERY_MALFORMED, "X-Amz-Expires must be 0 to 604800 seconds");
        }
        Instant now = clock.instant();
        if (time.minus(maxSkew).isAfter(now)) {
            throw new S3Exception(S3Error.REQUEST_TIME_TOO_SKEWED, "the presigned URL is dated " + time + ", in the future");
        }
        if (now.isAfter(time.plusSeconds(seconds))) {
            throw new S3Exception(S3Error.ACCESS_DENIED, "Request has expired: the presigned URL was valid until "
                    + time.plusSeconds(seconds));
        }
        String payload = req.header("x-amz-content-sha256");
        if (payload == null) payload = SigV4.UNSIGNED_PAYLOAD;
        return check(req, credential, signedHeaders, signature, amzDate, payload, true, S3Error.AUTHORIZATION_QUERY_MALFORMED);
    }

    private AuthResult check(S3Request req, String credential, String signedHeaders, String signature, String amzDate,
                             String payload, boolean presigned, S3Error malformed) {
        String[] cred = credential.split("/");
        if (cred.length != 5 || !"aws4_request".equals(cred[4])) {
            throw new S3Exception(malformed, "the Credential '" + credential
                    + "' is not accessKeyId/yyyyMMdd/region/service/aws4_request");
        }
        S3Credentials.Key key = credentials.lookup(cred[0]).orElseThrow(() -> new S3Exception(
                S3Error.INVALID_ACCESS_KEY_ID, "the access key id '" + cred[0] + "' does not exist or was revoked"));
        if (!amzDate.startsWith(cred[1])) {
            throw new S3Exception(malformed, "the credential date " + cred[1] + " does not match the request date " + amzDate);
        }
        String scope = cred[1] + "/" + cred[2] + "/" + cred[3] + "/aws4_request";
        String canonical = canonicalRequest(req, signedHeaders, payload, presigned);
        String stringToSign = SigV4.ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + SigV4.sha256Hex(canonical);
        byte[] signingKey = signingKey(key, cred[1], cred[2], cred[3]);
        String expected = SigV4.hex(SigV4.hmac(signingKey, stringToSign));
        if (!SigV4.same(expected, signature)) {
            throw new S3Exception(S3Error.SIGNATURE_DOES_NOT_MATCH, "the request signature we calculated does not match the"
                    + " signature you provided; check your secret access key and signing method (access key " + key.accessKeyId() + ")");
        }
        return new AuthResult(key, signingKey, amzDate, scope, expected, payload, presigned);
    }

    /**
     * Signing keys change once a day per key and region, so they are cached: deriving one costs four
     * HMACs, more than checking the request itself. The secret is part of the cache key, so a key
     * re-added with a new secret never meets a stale entry.
     */
    private byte[] signingKey(S3Credentials.Key key, String date, String region, String service) {
        String id = key.accessKeyId() + "/" + date + "/" + region + "/" + service + "/" + key.secretKey();
        byte[] k = signingKeys.get(id);
        if (k == null) {
            if (signingKeys.size() > 10_000) signingKeys.clear();
            k = SigV4.signingKey(key.secretKey(), date, region, service);
            signingKeys.put(id, k);
        }
        return k;
    }

    static String canonicalRequest(S3Request req, String signedHeaders, String payload, boolean presigned) {
        StringBuilder sb = new StringBuilder(512);
        sb.append(req.method()).append('\n');
        String path = req.rawPath().isEmpty() ? "/" : Uri.encode(Uri.decode(req.rawPath(), false), true);
        sb.append(path).append('\n');
        List<String[]> params = new ArrayList<>();
        for (String part : req.rawQuery() == null ? new String[0] : req.rawQuery().split("&")) {
            if (part.isEmpty()) continue;
            int eq = part.indexOf('=');
            String name = Uri.decode(eq < 0 ? part : part.substring(0, eq), true);
            if (presigned && name.equals("X-Amz-Signature")) continue;
            String value = eq < 0 ? "" : Uri.decode(part.substring(eq + 1), true);
            params.add(new String[] {Uri.encode(name, false), Uri.encode(value, false)});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) sb.append('&');
            sb.append(params.get(i)[0]).append('=').append(params.get(i)[1]);
        }
        sb.append('\n');
        for (String name : signedHeaders.split(";")) {
            List<String> values = req.headers().getAll(name);
            StringBuilder v = new StringBuilder();
            for (String one : values) {
                if (!v.isEmpty()) v.append(',');
                v.append(one.trim().replaceAll(" +", " "));
            }
            sb.append(name.toLowerCase(Locale.ROOT)).append(':').append(v).append('\n');
        }
        sb.append('\n').append(signedHeaders).append('\n').append(payload);
        return sb.toString();
    }

    private static Instant parseAmzDate(String s, S3Error error) {
        try {
            return LocalDateTime.parse(s, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new S3Exception(error, "X-Amz-Date '" + s + "' is not yyyyMMdd'T'HHmmss'Z'");
        }
    }
}
