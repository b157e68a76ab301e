package dev.cistern.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Puts user-given names into URL paths safely. */
final class Urls {
    private Urls() {
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
