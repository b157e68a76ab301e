package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code cistern clean}: reclaims the space of deleted data, as a server job. */
@Command(name = "clean", mixinStandardHelpOptions = true,
        description = "Reclaim the space of deleted data (runs on the server as a job; backups may continue).")
final class CleanCommand extends ApiCommand {
    @Option(names = "--no-wait", description = "Start the job and return; poll it with the REST API")
    boolean noWait;

    @Override
    int run(Session s) {
        JsonNode job = startJob(s, "clean", noWait);
        Output out = out();
        JobRunner.requireNotStopped(job);
        if (!out.json() && !noWait) {
            JsonNode r = job.get("report");
            out.keyValues(List.of(
                    new String[]{"Clean job", job.get("id").asText() + " succeeded"},
                    new String[]{"Containers scanned", r.get("containersScanned").asText()},
                    new String[]{"Containers rewritten", r.get("containersRewritten").asText()},
                    new String[]{"Containers deleted", r.get("containersDeleted").asText()},
                    new String[]{"Chunks freed", r.get("chunksFreed").asText()},
                    new String[]{"Space reclaimed", Output.bytes(r.get("bytesReclaimed").asLong())},
                    new String[]{"Containers left damaged", r.path("containersDamaged").asLong() == 0 ? "0"
                            : r.get("containersDamaged").asText() + " (run verify to name the entries affected)"},
                    new String[]{"Took", r.get("took").asText()}));
        }
        return 0;
    }
}
