package dev.cistern.server.http;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte sizes as people write them: {@code 1048576}, {@code 512M}, {@code 100G}, {@code 1.5T}, {@code 64KiB}.
 * Suffixes are binary (K = 1024), as storage admins expect for quotas and chunk sizes.
 */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGTPE]?)(?:I?B)?");

    private Sizes() {
    }

    /** Parses {@code text} as a byte count; INVALID (400) naming {@code what} if it is not one. */
    public static long parse(String what, String text) {
        Matcher m = text == null ? null : SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (m == null || !m.matches()) {
            throw ApiException.badRequest("invalid " + what + " '" + text
                    + "': use a byte count with an optional suffix K, M, G, T, P (e.g. 512M, 100G)");
        }
        int shift = m.group(2).isEmpty() ? 0 : 10 * ("KMGTPE".indexOf(m.group(2)) + 1);
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(2, shift);
        if (bytes >= 0x1p63) {
            throw ApiException.badRequest("invalid " + what + " '" + text + "': larger than 8 EiB");
        }
        if (m.group(2).isEmpty() && m.group(1).contains(".")) {
            throw ApiException.badRequest("invalid " + what + " '" + text + "': a byte count must be whole");
        }
        return Math.round(bytes);
    }

    /** Like {@link #parse} but for values that must fit an int (chunk sizes). */
    public static int parseInt(String what, String text) {
        long v = parse(what, text);
        if (v > Integer.MAX_VALUE) throw ApiException.badRequest("invalid " + what + " '" + text + "': too large");
        return (int) v;
    }
}
