package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cistern user add|list|delete|passwd} (admins; passwd also for oneself). */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage users and their roles.",
        subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Delete.class, UserCommand.Passwd.class})
final class UserCommand {
    static final String PATH = "api/v1/users";

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a user; asks for the password.")
    static final class Add extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = {"-r", "--role"}, required = true, paramLabel = "admin|operator|monitor", description = {
                "admin: everything, users and S3 keys too; operator: storage groups, containers, clean, verify;",
                "monitor: read-only"})
        String role;
        @Option(names = "--password-stdin", description = "Read the password from stdin")
        boolean passwordStdin;

        @Override
        void checkSecrets() {
            new Secrets(cli().env, "--password-stdin").requireSource("password", passwordStdin);
        }

        @Override
        int run(Session s) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("role", role);
            body.put("password", new Secrets(cli().env, "--password-stdin").read("password", passwordStdin, true));
            JsonNode u = s.post(PATH, body);
            if (out().json()) out().printJson(u);
            else out().line("Created user " + u.get("name").asText() + " (" + u.get("role").asText() + ")");
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List users.")
    static final class ListUsers extends ApiCommand {
        @Override
        int run(Session s) {
            JsonNode users = s.get(PATH);
            if (out().json()) {
                out().printJson(users);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode u : users) rows.add(List.of(u.get("name").asText(), u.get("role").asText(), Output.time(u, "createdAt")));
            out().table(List.of("NAME", "ROLE", "CREATED"), rows);
            return 0;
        }
    }

    @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete a user and revoke its tokens.")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Session s) {
            return delete(s, PATH + "/" + Urls.segment(name), "Deleted user " + name);
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Set a user's password (revokes its tokens).")
    static final class Passwd extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--password-stdin",
                description = "Read the new password from stdin (for your own password: the current one on the first line, the new one on the second)")
        boolean passwordStdin;

        @Override
        void checkSecrets() {
            new Secrets(cli().env, "--password-stdin").requireSource("new password", passwordStdin);
        }

        @Override
        int run(Session s) {
            Secrets secrets = new Secrets(cli().env, "--password-stdin");
            Map<String, Object> body = new java.util.HashMap<>();
            if (name.equals(s.user())) body.put("currentPassword", secrets.read("current password", passwordStdin, false));
            body.put("password", secrets.read("new password", passwordStdin, true));
            s.put(PATH + "/" + Urls.segment(name) + "/password", body);
            if (!out().json()) out().line("Changed the password of user " + name);
            return 0;
        }
    }
}
