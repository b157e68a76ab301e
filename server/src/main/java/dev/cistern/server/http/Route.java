package dev.cistern.server.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A method and a path template like {@code /api/v1/storage-groups/{name}}, with who may call it. */
public record Route(String method, String template, Access access, Handler handler) {

    List<String> segments() {
        return split(template);
    }

    /** The path parameters if {@code path} fits this template, else null. */
    Map<String, String> match(String path) {
        List<String> want = segments();
        List<String> got = split(path);
        if (want.size() != got.size()) return null;
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < want.size(); i++) {
            String w = want.get(i);
            String g = got.get(i);
            if (w.startsWith("{") && w.endsWith("}")) {
                params.put(w.substring(1, w.length() - 1), URLDecoder.decode(g, StandardCharsets.UTF_8));
            } else if (!w.equals(g)) {
                return null;
            }
        }
        return params;
    }

    private static List<String> split(String path) {
        String p = canonical(path);
        return List.of((p.startsWith("/") ? p.substring(1) : p).split("/", -1));
    }

    /**
     * {@code path} as routes match it: one trailing slash dropped ({@code /api/v1/login/} is the login). Who
     * tells requests apart by path outside the router (the audit) compares this, not the raw path.
     */
    public static String canonical(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }
}
