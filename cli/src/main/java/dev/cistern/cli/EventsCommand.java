package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code cistern events [--type T] [--limit N]}: logins, configuration changes, container changes, restarts. */
@Command(name = "events", mixinStandardHelpOptions = true,
        description = "Show recent events, newest first: logins, configuration and container changes, service restarts, alerts.")
final class EventsCommand extends ApiCommand {
    @Option(names = {"-t", "--type"}, paramLabel = "TYPE",
            description = "login, login-failed, config, container, service or alert")
    String type;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", defaultValue = "50", description = "At most N events (default 50).")
    int limit;

    @Override
    int run(Session s) {
        String q = "api/v1/events?limit=" + limit + (type == null ? "" : "&type=" + Urls.segment(type));
        JsonNode events = s.get(q);
        Output out = out();
        if (out.json()) {
            out.printJson(events);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode e : events) {
            rows.add(List.of(Output.time(e, "at"), e.get("type").asText(), e.get("user").isNull() ? "-" : e.get("user").asText(),
                    e.get("message").asText()));
        }
        if (rows.isEmpty()) out.line("No events.");
        else out.table(List.of("TIME", "TYPE", "USER", "WHAT"), rows);
        return 0;
    }
}
