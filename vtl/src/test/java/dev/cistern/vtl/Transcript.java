package dev.cistern.vtl;

import java.util.LinkedHashMap;
import java.util.Map;

/** The vtlclient's output cut into steps: "name#n" (n-th run of that step) to its line and detail lines. */
final class Transcript {
    private Transcript() {
    }

    static Map<String, String> steps(String out) {
        Map<String, String> steps = new LinkedHashMap<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        String key = null;
        StringBuilder block = new StringBuilder();
        for (String line : out.lines().toList()) {
            if (line.startsWith("  ") && key != null) {
                block.append(line).append('\n');
                continue;
            }
            if (key != null) steps.put(key, block.toString());
            String name = line.split("\\s+")[0];
            int n = seen.merge(name, 1, Integer::sum);
            key = name + "#" + n;
            block = new StringBuilder(line).append('\n');
        }
        if (key != null) steps.put(key, block.toString());
        return steps;
    }

    static String baseName(String step) {
        return step.substring(0, step.indexOf('#'));
    }
}
