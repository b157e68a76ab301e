package dev.cistern.engine;

import java.util.regex.Pattern;

/** Rules for names of storage groups and containers: what S3 bucket names and iSCSI IQN suffixes can both carry. */
public final class Names {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private Names() {
    }

    /** Throws INVALID_ARGUMENT naming the rule when {@code name} is not a valid {@code what} name. */
    public static void check(String what, String name) {
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "invalid " + what + " name '" + name + "': use 3-63 characters a-z, 0-9, '.', '-',"
                            + " starting and ending with a letter or digit");
        }
    }

    /** Entry names: any non-empty UTF-8 string up to 1024 bytes without NUL. */
    public static void checkEntry(String name) {
        if (name == null || name.isEmpty() || name.indexOf('\0') >= 0 || utf8Length(name) > 1024) {
            throw new EngineException(EngineException.Reason.INVALID_ARGUMENT,
                    "invalid entry name: must be 1-1024 bytes of UTF-8 without NUL");
        }
    }

    /**
     * Bytes of {@code s} in UTF-8, or MAX_VALUE if it is not valid Unicode (a lone surrogate): getBytes
     * would turn that into '?', and two names would then share one key ("a?" and "a\uD800").
     */
    private static int utf8Length(String s) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .encode(java.nio.CharBuffer.wrap(s)).remaining();
        } catch (java.nio.charset.CharacterCodingException e) {
            return Integer.MAX_VALUE;
        }
    }
}
