package dev.cistern.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.cistern.server.Json;
import dev.cistern.server.config.Principal;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A parsed request as handlers see it: path parameters, query, caller and a JSON body on demand. */
public final class ApiRequest {
    /** Config and control requests are small; a larger body is a mistake or an attack. */
    static final int MAX_BODY = 1 << 20;

    private final String method;
    private final String path;
    private final Map<String, String> pathParams;
    private final Map<String, String> query;
    private final Principal principal;
    private final InetAddress client;
    private final InputStream bodyStream;

    ApiRequest(String method, String path, Map<String, String> pathParams, String rawQuery, Principal principal,
               InetAddress client, InputStream body) {
        this.method = method;
        this.path = path;
        this.pathParams = pathParams;
        this.query = parseQuery(rawQuery);
        this.principal = principal;
        this.client = client;
        this.bodyStream = body;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** A {@code {name}} segment of the route's path, URL-decoded. */
    public String param(String name) {
        String v = pathParams.get(name);
        if (v == null) throw new IllegalStateException("route has no path parameter '" + name + "'");
        return v;
    }

    /** A query parameter or null. */
    public String query(String name) {
        return query.get(name);
    }

    /** The caller; null only on PUBLIC routes. */
    public Principal principal() {
        return principal;
    }

    /**
     * The address the request came from: the peer of the TLS connection, which the server terminates itself. A
     * proxy in front would be the client here; {@code X-Forwarded-For} and its kin are written by the client
     * and there is no trusted-proxy setting, so no header is ever taken for the address (throttles, audit).
     */
    public InetAddress client() {
        return client;
    }

    /** The JSON body as {@code type}; 400 with the parser's reason for a missing, malformed or unknown field. */
    public <T> T body(Class<T> type) {
        byte[] bytes = readBody();
        if (bytes.length == 0) throw ApiException.badRequest("request body is empty: send a JSON object");
        return parse(bytes, type);
    }

    /** As {@link #body}, but {@code ifEmpty} when there is no body (a request whose settings all have defaults). */
    public <T> T bodyOr(Class<T> type, T ifEmpty) {
        byte[] bytes = readBody();
        return bytes.length == 0 ? ifEmpty : parse(bytes, type);
    }

    private static <T> T parse(byte[] bytes, Class<T> type) {
        try {
            T v = Json.mapper().readValue(bytes, type);
            if (v == null) throw ApiException.badRequest("request body is null: send a JSON object");
            return v;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("unknown field '" + e.getPropertyName() + "' in request body; known fields: "
                    + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid JSON in request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read request body: " + e.getMessage());
        }
    }

    private byte[] readBody() {
        try {
            byte[] b = bodyStream.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) throw new ApiException(413, "request body larger than " + MAX_BODY + " bytes");
            return b;
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read request body: " + e.getMessage());
        }
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) return m;
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return m;
    }
}
