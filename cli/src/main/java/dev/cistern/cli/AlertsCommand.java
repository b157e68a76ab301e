package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** {@code cistern alerts [--active | --all]} lists alerts; {@code cistern alerts ack ID} acknowledges one. */
@Command(name = "alerts", mixinStandardHelpOptions = true, subcommands = AlertsCommand.Ack.class,
        description = "List alerts (open ones unless --active or --all); 'alerts ack ID' acknowledges one.")
final class AlertsCommand extends ApiCommand {
    static final String PATH = "api/v1/alerts";

    @Option(names = "--active", description = "Only alerts neither cleared nor acknowledged.")
    boolean active;

    @Option(names = "--all", description = "Also cleared alerts.")
    boolean all;

    @Override
    int run(Session s) {
        if (active && all) throw new CliException(CliException.USAGE, "give --active or --all, not both");
        JsonNode alerts = s.get(PATH + "?state=" + (all ? "all" : active ? "active" : "open"));
        Output out = out();
        if (out.json()) {
            out.printJson(alerts);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode a : alerts) {
            String ack = a.get("acknowledgedAt").isNull() ? "-" : a.get("acknowledgedBy").asText();
            String state = !a.get("clearedAt").isNull() ? "cleared" : "open";
            rows.add(List.of(a.get("id").asText(), a.get("severity").asText().toUpperCase(java.util.Locale.ROOT), state, ack,
                    Output.time(a, "raisedAt"), a.get("message").asText()));
        }
        if (rows.isEmpty()) out.line("No alerts.");
        else out.table(List.of("ID", "SEVERITY", "STATE", "ACKED BY", "RAISED", "MESSAGE"), rows);
        return 0;
    }

    @Command(name = "ack", aliases = "acknowledge", mixinStandardHelpOptions = true,
            description = "Acknowledge an alert (admins and operators).")
    static final class Ack extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The alert's id from 'cistern alerts'.")
        long id;

        @Override
        int run(Session s) {
            JsonNode a = s.post(PATH + "/" + id + "/acknowledge", null);
            if (out().json()) out().printJson(a);
            else out().line("Acknowledged alert " + id + ": " + a.get("message").asText());
            return 0;
        }
    }
}
