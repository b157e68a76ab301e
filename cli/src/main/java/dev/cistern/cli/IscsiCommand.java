package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cistern lun add|list|remove} and {@code cistern iscsi sessions}: LUNs of iscsi containers, and logged-in initiators. */
final class IscsiCommand {
    private IscsiCommand() {
    }

    static String luns(String container) {
        return "api/v1/containers/" + Urls.segment(container) + "/luns";
    }

    @Command(name = "lun", mixinStandardHelpOptions = true, description = "Manage the LUNs of an iscsi container.",
            subcommands = {Lun.Add.class, Lun.ListLuns.class, Lun.Remove.class})
    static final class Lun {
        @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a thin LUN under the lowest free number.")
        static final class Add extends ApiCommand {
            @Parameters(paramLabel = "CONTAINER")
            String container;
            @Option(names = "--size", required = true, paramLabel = "SIZE", description = "e.g. 100G")
            String size;
            @Option(names = "--block-size", paramLabel = "512|4096", description = "logical block size (default 512)")
            Integer blockSize;
            @Option(names = "--read-only", description = "write-protected LUN")
            boolean readOnly;

            @Override
            int run(Session s) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("size", size);
                if (blockSize != null) body.put("blockSize", blockSize);
                body.put("readOnly", readOnly);
                JsonNode l = s.post(luns(container), body);
                if (out().json()) out().printJson(l);
                else out().line("Added LUN " + l.get("lun").asInt() + " to " + l.get("iqn").asText());
                return 0;
            }
        }

        @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List the LUNs of a container.")
        static final class ListLuns extends ApiCommand {
            @Parameters(paramLabel = "CONTAINER")
            String container;

            @Override
            int run(Session s) {
                JsonNode ls = s.get(luns(container));
                if (out().json()) {
                    out().printJson(ls);
                    return 0;
                }
                printLuns(out(), ls);
                return 0;
            }
        }

        /** The LUNs of {@code GET .../luns} as a table (lun list, container show). */
        static void printLuns(Output out, JsonNode ls) {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode l : ls) {
                rows.add(List.of(l.get("lun").asText(), Output.bytes(l.get("sizeBytes").asLong()), l.get("blockSize").asText(),
                        l.get("readOnly").asBoolean() ? "yes" : "no", l.get("iqn").asText()));
            }
            out.table(List.of("LUN", "SIZE", "BLOCK", "READ-ONLY", "TARGET"), rows);
        }

        @Command(name = "remove", aliases = "rm", mixinStandardHelpOptions = true, description = "Remove a LUN and its data.")
        static final class Remove extends ApiCommand {
            @Parameters(index = "0", paramLabel = "CONTAINER")
            String container;
            @Parameters(index = "1", paramLabel = "LUN")
            int lun;

            @Override
            int run(Session s) {
                return delete(s, luns(container) + "/" + lun, "Removed LUN " + lun + " of " + container);
            }
        }
    }

    @Command(name = "iscsi", mixinStandardHelpOptions = true, description = "The iSCSI target.",
            subcommands = {Sessions.class})
    static final class Iscsi {
    }

    @Command(name = "sessions", mixinStandardHelpOptions = true, description = "List initiators logged in to the target.")
    static final class Sessions extends ApiCommand {
        @Override
        int run(Session s) {
            JsonNode ss = s.get("api/v1/iscsi/sessions");
            if (out().json()) {
                out().printJson(ss);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode x : ss) {
                rows.add(List.of(x.get("initiator").asText(), x.get("target").asText(), x.get("remoteAddress").asText(),
                        x.get("isid").asText(), x.get("discovery").asBoolean() ? "discovery" : "normal"));
            }
            out().table(List.of("INITIATOR", "TARGET", "FROM", "ISID", "TYPE"), rows);
            return 0;
        }
    }
}
