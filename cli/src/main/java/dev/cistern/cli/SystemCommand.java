package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;

/** {@code cistern system show}: version, uptime and service health. */
@Command(name = "system", mixinStandardHelpOptions = true, description = "Server information.",
        subcommands = SystemCommand.Show.class)
final class SystemCommand {

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show version, uptime and the health of each service.")
    static final class Show extends ApiCommand {
        @Override
        int run(Session s) {
            JsonNode sys = s.get("api/v1/system");
            Output out = out();
            if (out.json()) {
                out.printJson(sys);
                return 0;
            }
            out.keyValues(List.of(
                    new String[]{"Version", sys.get("version").asText()},
                    new String[]{"Status", sys.get("status").asText()},
                    new String[]{"Started", Output.time(sys, "startedAt")},
                    new String[]{"Uptime", sys.get("uptimeSeconds").asText() + " s"},
                    new String[]{"Data directory", sys.get("dataDir").asText()},
                    new String[]{"Certificate SHA-256", sys.get("certificateSha256").asText()}));
            out.line("");
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode v : sys.get("services")) {
                rows.add(List.of(v.get("name").asText(), v.get("state").asText(), v.get("health").asText(),
                        v.get("restarts").asText(), v.get("message").asText()));
            }
            out.table(List.of("SERVICE", "STATE", "HEALTH", "RESTARTS", "MESSAGE"), rows);
            return 0;
        }
    }
}
