package dev.cistern.iscsi.login;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Text-format key=value pairs of Login and Text PDUs (RFC 7143 section 6): each pair ends with a NUL,
 * keys are case-sensitive, order is kept because responses follow request order.
 */
public final class TextParams {
    private TextParams() {
    }

    /**
     * Parses a data segment. Pairs without '=' or with an empty key are malformed, and a key sent twice
     * is a protocol error (RFC 7143 section 6.2): both raise {@link IllegalArgumentException}.
     */
    public static Map<String, String> parse(byte[] data) {
        Map<String, String> out = new LinkedHashMap<>();
        int start = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == 0) {
                if (i > start) {
                    String pair = new String(data, start, i - start, StandardCharsets.UTF_8);
                    int eq = pair.indexOf('=');
                    if (eq <= 0) throw new IllegalArgumentException("malformed text key-value pair '" + pair + "'");
                    String key = pair.substring(0, eq);
                    if (out.putIfAbsent(key, pair.substring(eq + 1)) != null) {
                        throw new IllegalArgumentException("text key '" + key + "' sent twice");
                    }
                }
                start = i + 1;
            }
        }
        return out;
    }

    public static byte[] encode(Map<String, String> pairs) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : pairs.entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
