package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code cistern logs [--service S] [-n N] [--follow]}: the server's log, or one service's, over the API. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print the end of the server log (or one service's log with --service); --follow keeps printing.")
final class LogsCommand extends ApiCommand {
    static final Duration POLL = Duration.ofSeconds(1);

    @Option(names = {"-s", "--service"}, paramLabel = "S", defaultValue = "cistern",
            description = "cistern (everything, the default), engine, http, s3, iscsi, monitor, health, watcher or audit")
    String service;

    @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "100", description = "How many lines (default 100).")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new lines until interrupted (Ctrl-C).")
    boolean follow;

    @Override
    int run(Session s) {
        String path = "api/v1/logs/" + Urls.segment(service);
        JsonNode r = s.get(path + "?lines=" + lines);
        if (out().json()) {
            // one JSON object per answer, also when following: {"text": ..., "offset": ...}
            out().printJson(r);
            if (!follow) return 0;
        }
        PrintText print = new PrintText(cli().env.out());
        if (!out().json()) print.text(ApiClient.text(r, "text"));
        long offset = r.get("offset").asLong();
        while (follow) {
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
            JsonNode more = s.get(path + "?offset=" + offset);
            if (out().json()) out().printJson(more);
            else print.text(ApiClient.text(more, "text"));
            offset = more.get("offset").asLong();
        }
        return 0;
    }

    /** Log text as is: it already ends its lines. */
    private record PrintText(java.io.PrintStream out) {
        void text(String t) {
            out.print(t);
            out.flush();
        }
    }
}
