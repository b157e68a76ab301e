package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code cistern verify}: re-reads all stored data; exits 4 and names what is damaged if anything is. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Re-read and check all stored data (runs on the server as a job). Exit code 4 if damage is found.")
final class VerifyCommand extends ApiCommand {
    @Option(names = "--no-wait", description = "Start the job and return at once; 'cistern job show ID' reports on it")
    boolean noWait;

    @Override
    int run(Session s) {
        JsonNode job = startJob(s, "verify", null, noWait);
        Output out = out();
        if (noWait) return 0;
        JobRunner.requireNotStopped(job);
        JsonNode r = job.get("report");
        long damaged = r.get("damagedChunks").asLong();
        if (!out.json()) print(out, job);
        if (damaged > 0 || !r.get("damagedEntries").isEmpty() || !r.get("damagedContainers").isEmpty()) {
            throw new CliException(CliException.DAMAGED, "verify found " + damaged + " damaged chunk(s) in "
                    + r.get("damagedEntries").size() + " entries; see the list above or 'cistern verify --json'");
        }
        return 0;
    }

    /** The human report of finished verify job {@code job}; its state is named as {@code cistern job list} names it. */
    static void print(Output out, JsonNode job) {
        JsonNode r = job.get("report");
        List<String[]> kv = new java.util.ArrayList<>();
        kv.add(new String[]{"Verify job", JobRunner.outcome(job)});
        kv.addAll(reportLines(r));
        out.keyValues(kv);
        for (JsonNode e : r.get("damagedEntries")) out.line("DAMAGED " + e.asText());
    }

    /** A verify report's figures, as label and value (verify, job show). */
    static List<String[]> reportLines(JsonNode r) {
        return List.of(
                new String[]{"Containers checked", r.get("containersChecked").asText()},
                new String[]{"Chunks checked", r.get("chunksChecked").asText()},
                new String[]{"Bytes checked", Output.bytes(r.get("bytesChecked").asLong())},
                new String[]{"Damaged chunks", r.get("damagedChunks").asText()},
                new String[]{"Checksum only (locked)", r.path("chunksChecksumOnly").asLong() == 0 ? "0"
                        : r.get("chunksChecksumOnly").asText() + " (unlock their storage groups, then verify again)"},
                new String[]{"Took", Output.duration(r.get("took").asText())});
    }
}
