package dev.cistern.server.http.api;

import dev.cistern.iscsi.ChapCredentials;
import dev.cistern.server.http.ApiException;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a container's protocol properties may be, checked before anything is stored: a front end that
 * meets a bad value later can only drop the export (a CHAP secret too short) or lose it (a bucket without
 * its owner). Secrets never leave the server: responses show {@link #MASK}, and a property sent back as
 * {@code MASK} keeps its stored value, so an edit that round-trips what it was shown changes nothing.
 */
final class ContainerProperties {
    static final String MASK = "********";

    private ContainerProperties() {
    }

    static boolean isSecret(String key) {
        return key.endsWith(".secret");
    }

    /** {@code props} as shown to clients: secrets masked. */
    static Map<String, String> shown(Map<String, String> props) {
        Map<String, String> out = new TreeMap<>(props);
        out.replaceAll((k, v) -> isSecret(k) ? MASK : v);
        return out;
    }

    /** Keys and values present and non-empty keys; then the rules of {@code protocol}. For a new container. */
    static void checkNew(String protocol, Map<String, String> props) {
        checkShape(props);
        if (props != null) {
            for (var e : props.entrySet()) {
                if (MASK.equals(e.getValue())) throw ApiException.badRequest("property '" + e.getKey() + "' needs its real value");
            }
            checkChap(protocol, props);
        }
    }

    /**
     * The properties that replace {@code old} of a {@code protocol} container: {@code requested}, with
     * masked secrets keeping their stored value, properties fixed at creation kept (refused if changed),
     * and CHAP kept unless a {@code chap.*} key is sent empty. Refuses what would break the export.
     */
    static Map<String, String> replacing(String protocol, Map<String, String> old, Map<String, String> requested) {
        checkShape(requested);
        Map<String, String> next = new TreeMap<>(requested);
        for (var e : requested.entrySet()) {
            if (!MASK.equals(e.getValue())) continue;
            String kept = old.get(e.getKey());
            if (kept == null) throw ApiException.badRequest("property '" + e.getKey() + "' needs its real value");
            next.put(e.getKey(), kept);
        }
        // fixed at creation: kept when left out, refused when changed
        for (var e : old.entrySet()) {
            if (!isFixed(protocol, e.getKey())) continue;
            String asked = next.putIfAbsent(e.getKey(), e.getValue());
            if (asked != null && !asked.equals(e.getValue())) {
                throw ApiException.badRequest("'" + e.getKey() + "' of a" + ("s3".equals(protocol) ? " bucket" : " tape library")
                        + " is fixed when it is created (it is '" + e.getValue() + "'): "
                        + ("s3".equals(protocol) ? "its S3 user would lose it" : "create another library for another layout"));
            }
        }
        // CHAP is kept when left out (a set of other properties must not turn authentication off);
        // an empty value removes it
        for (var e : old.entrySet()) {
            if (isChap(protocol, e.getKey())) next.putIfAbsent(e.getKey(), e.getValue());
        }
        next.entrySet().removeIf(e -> isChap(protocol, e.getKey()) && e.getValue().isEmpty());
        checkChap(protocol, next);
        return next;
    }

    private static boolean isChap(String protocol, String key) {
        return ("iscsi".equals(protocol) || "vtl".equals(protocol)) && key.startsWith("chap.");
    }

    /** A bucket's owner and a tape library's layout: what the front end's state was built on. */
    private static boolean isFixed(String protocol, String key) {
        return ("s3".equals(protocol) && key.equals("owner")) || ("vtl".equals(protocol) && key.startsWith("vtl."));
    }

    private static void checkShape(Map<String, String> props) {
        if (props == null) return;
        for (var e : props.entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                throw ApiException.badRequest("property '" + e.getKey() + "' needs a non-empty key and a string value");
            }
        }
    }

    /** iSCSI and tape libraries authenticate with CHAP: a pair set must be usable, mutual only with one-way. */
    private static void checkChap(String protocol, Map<String, String> props) {
        if (!"iscsi".equals(protocol) && !"vtl".equals(protocol)) return;
        boolean oneWay = pair(props, "chap.user", "chap.secret");
        boolean mutual = pair(props, "chap.mutual.user", "chap.mutual.secret");
        if (mutual && !oneWay) {
            throw ApiException.badRequest("mutual CHAP ('chap.mutual.*') needs one-way CHAP ('chap.user', 'chap.secret') as well");
        }
    }

    private static boolean pair(Map<String, String> props, String userKey, String secretKey) {
        String user = props.get(userKey);
        String secret = props.get(secretKey);
        if ((user == null || user.isEmpty()) && (secret == null || secret.isEmpty())) return false;
        try {
            new ChapCredentials(user, secret);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'" + userKey + "' and '" + secretKey + "': " + e.getMessage());
        }
        return true;
    }
}
