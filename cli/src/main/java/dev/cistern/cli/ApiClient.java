package dev.cistern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;

/**
 * JSON over HTTPS to one Cistern server, trusting it through a {@link CertificatePin}. Every failure becomes a
 * {@link CliException} whose message says what failed and what to do: the server's own error text for 4xx/5xx,
 * or why the server could not be reached or trusted.
 */
final class ApiClient {
    private final String server;
    private final CertificatePin pin;
    private final HttpClient http;

    /** @param server base URL without a trailing slash, e.g. https://127.0.0.1:5233 */
    ApiClient(String server, CertificatePin pin) {
        this.server = server;
        this.pin = pin;
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, new TrustManager[]{pin}, null);
            this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (GeneralSecurityException e) {
            throw new CliException(CliException.FAILED, "cannot set up TLS: " + e.getMessage());
        }
    }

    CertificatePin pin() {
        return pin;
    }

    /** Sends a request; returns the JSON body (null for 204), or throws for any non-2xx answer. */
    JsonNode send(String method, String path, Object body, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + "/" + path)).timeout(Duration.ofSeconds(60));
        try {
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(CliJson.MAPPER.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            throw new CliException(CliException.FAILED, "cannot encode request: " + e.getMessage());
        }
        if (body != null) b.header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<String> resp;
        try {
            resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(CliException.FAILED, "interrupted while waiting for " + server);
        } catch (IOException e) {
            throw unreachable(e);
        }
        return parse(method, path, resp);
    }

    private JsonNode parse(String method, String path, HttpResponse<String> resp) {
        String text = resp.body();
        JsonNode json = null;
        if (text != null && !text.isBlank()) {
            try {
                json = CliJson.MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                if (resp.statusCode() < 400) {
                    throw new CliException(CliException.FAILED, "server answered " + method + " " + path
                            + " with something that is not JSON; is " + server + " a Cistern server?");
                }
            }
        }
        int status = resp.statusCode();
        if (status < 400) return json;
        String msg = json != null && json.hasNonNull("error") ? oneLine(json.get("error").asText())
                : method + " " + path + " failed with HTTP " + status;
        if (status == 401) msg += " (run 'cistern login' or set CISTERN_USER and CISTERN_PASSWORD)";
        throw new CliException(CliException.FAILED, msg + " [HTTP " + status + "]");
    }

    /** A text field an answer must have; a malformed answer (not Cistern's) is one clear line, not a crash. */
    static String text(JsonNode answer, String field) {
        JsonNode v = answer == null ? null : answer.get(field);
        if (v == null || !v.isValueNode() || v.isNull()) {
            throw new CliException(CliException.FAILED, "the server's answer lacks '" + field + "'; is it a Cistern server?");
        }
        return v.asText();
    }

    /** A server's text as one line of ours: control characters (a newline in an error) become spaces. */
    static String oneLine(String s) {
        return s == null ? null : s.replaceAll("\\p{Cntrl}+", " ").strip();
    }

    private CliException unreachable(IOException e) {
        if (pin.mismatch()) {
            return new CliException(CliException.UNREACHABLE, "the certificate of " + server + " changed: pinned SHA-256 "
                    + pin.pinned() + ", now " + pin.seen() + "; refusing to connect. If the server's certificate was"
                    + " replaced on purpose, run 'cistern login --repin'");
        }
        if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException) {
            return new CliException(CliException.UNREACHABLE, "timed out talking to " + server
                    + "; is 'cistern serve' running there? (set --server or CISTERN_SERVER)");
        }
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        if (e instanceof ConnectException || root instanceof ConnectException) {
            return new CliException(CliException.UNREACHABLE, "cannot connect to " + server
                    + ": connection refused; is 'cistern serve' running there? (set --server or CISTERN_SERVER)");
        }
        if (e instanceof SSLException || root instanceof SSLException) {
            return new CliException(CliException.UNREACHABLE, "TLS handshake with " + server + " failed: "
                    + root.getMessage() + "; is it a Cistern server speaking HTTPS?");
        }
        return new CliException(CliException.UNREACHABLE, "cannot talk to " + server + ": "
                + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage()));
    }
}
