package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code cistern stats [--storage-group G | --container C]}: space savings and traffic. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Show space and traffic: the whole server, one storage group or one container.")
final class StatsCommand extends ApiCommand {
    @Option(names = {"-g", "--storage-group"}, paramLabel = "GROUP", description = "Only this storage group.")
    String group;

    @Option(names = {"-c", "--container"}, paramLabel = "NAME",
            description = "Only this container (its unique and stored bytes count the chunks it stored first).")
    String container;

    @Override
    int run(Session s) {
        if (group != null && container != null) {
            throw new CliException(CliException.USAGE, "give --storage-group or --container, not both");
        }
        Output out = out();
        JsonNode r;
        if (group != null) r = s.get(StorageGroupCommand.path(group) + "/stats");
        else if (container != null) r = s.get(ContainerCommand.path(container) + "/stats");
        else r = s.get("api/v1/stats");
        if (out.json()) {
            out.printJson(r);
            return 0;
        }
        if (group != null || container != null) {
            printStats(out, r);
            return 0;
        }
        printStats(out, r.get("total"));
        out.keyValues(List.<String[]>of(new String[]{"Free space", Output.bytes(r.get("freeBytes").asLong())}));
        List<List<String>> rows = new ArrayList<>();
        r.get("storageGroups").properties().forEach(e -> {
            JsonNode g = e.getValue();
            rows.add(List.of(e.getKey(), Output.bytes(g.get("logicalBytes").asLong()), Output.bytes(g.get("storedBytes").asLong()),
                    ratio(g.get("dedupRatio")), ratio(g.get("compressionRatio")), percent(g.get("savingsPercent"))));
        });
        if (!rows.isEmpty()) {
            out.line("");
            out.table(List.of("STORAGE GROUP", "LOGICAL", "STORED", "DEDUP", "COMPRESSION", "SAVINGS"), rows);
        }
        return 0;
    }

    static void printStats(Output out, JsonNode st) {
        out.keyValues(List.of(
                new String[]{"Logical", Output.bytes(st.get("logicalBytes").asLong())},
                new String[]{"Unique", Output.bytes(st.get("uniqueBytes").asLong())},
                new String[]{"Stored", Output.bytes(st.get("storedBytes").asLong())},
                new String[]{"Dedup ratio", ratio(st.get("dedupRatio"))},
                new String[]{"Compression ratio", ratio(st.get("compressionRatio"))},
                new String[]{"Savings", percent(st.get("savingsPercent"))},
                new String[]{"Chunks", st.get("chunkCount").asText()},
                new String[]{"Written", Output.bytes(st.get("bytesWritten").asLong())},
                new String[]{"Read", Output.bytes(st.get("bytesRead").asLong())}));
    }

    private static String ratio(JsonNode n) {
        return String.format(Locale.ROOT, "%.2fx", n.asDouble());
    }

    private static String percent(JsonNode n) {
        return String.format(Locale.ROOT, "%.1f%%", n.asDouble());
    }
}
