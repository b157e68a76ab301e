package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cistern job list|show|cancel}: the server's recent clean and verify jobs (e.g. after {@code --no-wait}),
 * and stopping one.
 */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Show and cancel clean and verify jobs.",
        subcommands = {JobCommand.ListJobs.class, JobCommand.Show.class, JobCommand.Cancel.class})
final class JobCommand {

    /** The state to show: a running job that was asked to stop is "cancelling". */
    static String state(JsonNode j) {
        String state = j.get("state").asText();
        return state.equals("running") && j.hasNonNull("cancelledBy") ? "cancelling" : state;
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "Recent jobs, newest first.")
    static final class ListJobs extends ApiCommand {
        @Override
        int run(Session s) {
            JsonNode jobs = s.get("api/v1/jobs");
            if (out().json()) {
                out().printJson(jobs);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode j : jobs) {
                rows.add(List.of(j.get("id").asText(), j.get("kind").asText(), state(j),
                        j.get("percent").asText() + "%", Output.text(j, "startedBy"), Output.time(j, "startedAt"),
                        Output.time(j, "finishedAt")));
            }
            out().table(List.of("ID", "KIND", "STATE", "PROGRESS", "BY", "STARTED", "FINISHED"), rows);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One job with its report.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        int run(Session s) {
            JsonNode j = s.get("api/v1/jobs/" + id);
            if (out().json()) {
                out().printJson(j);
                return 0;
            }
            List<String[]> kv = new ArrayList<>(List.of(
                    new String[]{"Job", j.get("id").asText() + " (" + j.get("kind").asText() + ")"},
                    new String[]{"State", state(j)},
                    new String[]{"Phase", j.get("phase").asText()},
                    new String[]{"Progress", j.get("percent").asText() + "%"},
                    new String[]{"Started", Output.time(j, "startedAt") + " by " + Output.text(j, "startedBy")},
                    new String[]{"Finished", Output.time(j, "finishedAt")}));
            if (j.get("kind").asText().equals("clean")) kv.add(1, new String[]{"Mode", CleanCommand.mode(j)});
            if (j.hasNonNull("cancelledBy")) kv.add(new String[]{"Cancelled by", j.get("cancelledBy").asText()});
            if (j.hasNonNull("error")) {
                kv.add(new String[]{j.get("state").asText().equals("cancelled") ? "Stopped" : "Error", j.get("error").asText()});
            }
            JsonNode r = j.get("report");
            if (r != null && r.isObject()) {
                // the report as 'clean' and 'verify' print it; a kind this CLI does not know, field by field
                switch (j.get("kind").asText()) {
                    case "clean" -> kv.addAll(CleanCommand.reportLines(r));
                    case "verify" -> kv.addAll(VerifyCommand.reportLines(r));
                    default -> r.properties().forEach(e -> kv.add(new String[]{"  " + e.getKey(), e.getValue().toString()}));
                }
            }
            out().keyValues(kv);
            if (r != null && r.has("damagedEntries")) for (JsonNode e : r.get("damagedEntries")) out().line("DAMAGED " + e.asText());
            return 0;
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "Stop a running job. A clean stops between chunk containers and loses nothing; a verify"
                    + " stops without a report.")
    static final class Cancel extends ApiCommand {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        int run(Session s) {
            JsonNode j = s.post("api/v1/jobs/" + id + "/cancel", null);
            if (out().json()) {
                out().printJson(j);
            } else {
                String kind = j.get("kind").asText();
                out().line("Cancelling " + kind + " job " + id + "; it stops "
                        + (kind.equals("clean") ? "after the chunk container it is on" : "shortly, without a report")
                        + " (see 'cistern job show " + id + "')");
            }
            return 0;
        }
    }
}
