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
        if (m.group(2).isEmpty()) {
            if (m.group(1).contains(".")) {
                throw ApiException.badRequest("invalid " + what + " '" + text + "': a byte count must be whole");
            }
            try {
                return Long.parseLong(m.group(1)); // exact: a double loses bytes above 2^53
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("invalid " + what + " '" + text + "': larger than 8 EiB");
            }
        }
        int shift = 10 * ("KMGTPE".indexOf(m.group(2)) + 1);
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(2, shift);
        if (bytes >= 0x1p63) {
            throw ApiException.badRequest("invalid " + what + " '" + text + "': larger than 8 EiB");
        }
        long rounded = Math.round(bytes);
        if (rounded == 0 && bytes > 0) {
            // 0 means "no limit" for a quota: a tiny size must not turn into that
            throw ApiException.badRequest("invalid " + what + " '" + text + "': less than one byte");
        }
        return rounded;
    }

    /** Like {@link #parse} but for values that must fit an int (chunk sizes). */
    public static int parseInt(String what, String text) {
        long v = parse(what, text);
        if (v > Integer.MAX_VALUE) throw ApiException.badRequest("invalid " + what + " '" + text + "': too large");
        return (int) v;
    }
}
