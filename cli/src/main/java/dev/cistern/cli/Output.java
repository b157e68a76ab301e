package dev.cistern.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Prints results: aligned tables and key/value blocks for people, the server's JSON with {@code --json}. */
final class Output {
    private final PrintStream out;
    private final boolean json;

    Output(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    void printJson(JsonNode node) {
        try {
            out.println(CliJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new CliException(CliException.FAILED, "cannot print JSON: " + e.getMessage());
        }
    }

    /** Columns padded to their widest cell; the last column is not padded. */
    void table(List<String> headers, List<List<String>> rows) {
        int[] w = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (List<String> r : all) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r.get(i).length());
        for (List<String> r : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                if (i > 0) sb.append("  ");
                sb.append(i == w.length - 1 ? r.get(i) : pad(r.get(i), w[i]));
            }
            out.println(sb.toString().stripTrailing());
        }
    }

    /** "key: value" lines with the values aligned. */
    void keyValues(List<String[]> pairs) {
        int w = pairs.stream().mapToInt(p -> p[0].length()).max().orElse(0);
        for (String[] p : pairs) out.println(pad(p[0] + ":", w + 1) + " " + p[1]);
    }

    void line(String s) {
        out.println(s);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    /** 1536 → "1.5 KiB"; binary units, as sizes are entered. */
    static String bytes(long n) {
        if (n < 1024) return n + " B";
        String units = "KMGTPE";
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length() - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, v >= 100 ? "%.0f %siB" : "%.1f %siB", v, units.charAt(u));
    }

    /** An ISO-8601 duration from the API ("PT0.150346411S") for people: "150 ms", "2.5 s", "3 min 7 s", "2 h 5 min". */
    static String duration(String iso) {
        java.time.Duration d;
        try {
            d = java.time.Duration.parse(iso);
        } catch (java.time.format.DateTimeParseException e) {
            return iso; // not ours to reject: show what the server sent
        }
        if (d.isNegative()) return iso;
        if (d.compareTo(java.time.Duration.ofSeconds(1)) < 0) return d.toMillis() + " ms";
        if (d.compareTo(java.time.Duration.ofMinutes(1)) < 0) {
            return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        if (d.compareTo(java.time.Duration.ofHours(1)) < 0) return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        return d.toHours() + " h " + d.toMinutesPart() + " min";
    }

    /**
     * A time from the API for tables, to the second ("2026-12-07T07:13:25Z"): the API sends nanoseconds, which
     * widen every table and tell an admin nothing. "-" when absent; shown as sent when not an instant.
     */
    static String time(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return "-";
        try {
            return java.time.Instant.parse(v.asText()).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        } catch (java.time.format.DateTimeParseException e) {
            return v.asText();
        }
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? "-" : v.asText();
    }
}
