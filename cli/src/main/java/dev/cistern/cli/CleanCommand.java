package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;

/** {@code cistern clean}: reclaims the space of deleted data, as a server job. */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = "Reclaim the space of deleted data (runs on the server as a job; backups may continue).")
final class CleanCommand extends ApiCommand {
    @Option(names = "--no-wait", description = "Start the job and return at once; 'cistern job show ID' reports on it")
    boolean noWait;

    @Option(names = "--full", description = {
            "Rewrite every chunk container holding any dead record, not only those at least a quarter dead (the"
                    + " scheduled clean's rule), and get back every reclaimable byte: after a big delete, or before a"
                    + " capacity report.",
            "Costly: it copies the live data of every container with any dead record, which can be most of the"
                    + " store, so it reads and writes far more and runs far longer than a normal clean."})
    boolean full;

    @Override
    int run(Session s) {
        JsonNode job = startJob(s, "clean", full ? Map.of("full", true) : null, noWait);
        // a server without full cleans ignores the body: say so rather than pass its clean off as a full one
        if (full && !job.path("mode").asText().equals("full")) {
            throw new CliException(CliException.FAILED, "the server took clean job " + job.get("id").asLong()
                    + " as a normal clean: it does not know full cleans; upgrade the server");
        }
        Output out = out();
        JobRunner.requireNotStopped(job);
        if (!out.json() && !noWait) {
            List<String[]> kv = new java.util.ArrayList<>();
            kv.add(new String[]{"Clean job", JobRunner.outcome(job)});
            kv.add(new String[]{"Mode", mode(job)});
            kv.addAll(reportLines(job.get("report")));
            out.keyValues(kv);
        }
        return 0;
    }

    /** A clean report's figures, as label and value (clean, job show). */
    static List<String[]> reportLines(JsonNode r) {
        return List.of(
                new String[]{"Containers scanned", r.get("containersScanned").asText()},
                new String[]{"Containers rewritten", r.get("containersRewritten").asText()},
                new String[]{"Containers deleted", r.get("containersDeleted").asText()},
                new String[]{"Chunks freed", r.get("chunksFreed").asText()},
                new String[]{"Space reclaimed", Output.bytes(r.get("bytesReclaimed").asLong())},
                new String[]{"Containers left damaged", r.path("containersDamaged").asLong() == 0 ? "0"
                        : r.get("containersDamaged").asText() + " (run verify to name the entries affected)"},
                new String[]{"Took", Output.duration(r.get("took").asText())});
    }

    /** How {@code job} chose its containers, in words. */
    static String mode(JsonNode job) {
        return switch (job.path("mode").asText()) {
            case "full" -> "full (every container with any dead record)";
            case "threshold" -> "threshold (containers at least a quarter dead)";
            default -> "not reported by the server";
        };
    }
}
