package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cistern s3-key add|list|revoke}: S3 access keys of users. */
@Command(name = "s3-key", mixinStandardHelpOptions = true, description = "Manage S3 access keys of users.",
        subcommands = {S3KeyCommand.Add.class, S3KeyCommand.ListKeys.class, S3KeyCommand.Revoke.class})
final class S3KeyCommand {
    static final String PATH = "api/v1/s3-keys";

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Create an access key for USER; prints the access key id and the secret, once.")
    static final class Add extends ApiCommand {
        @Parameters(paramLabel = "USER")
        String user;

        @Override
        int run(Session s) {
            JsonNode k = s.post(PATH, Map.of("user", user));
            if (out().json()) {
                out().printJson(k);
            } else {
                out().line("Access key id: " + k.get("accessKeyId").asText());
                out().line("Secret key:    " + k.get("secretKey").asText());
                out().line("(the secret is shown only this once)");
            }
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List access keys (no secrets).")
    static final class ListKeys extends ApiCommand {
        @Parameters(paramLabel = "USER", arity = "0..1", description = "only this user's keys")
        String user;

        @Override
        int run(Session s) {
            JsonNode keys = s.get(user == null ? PATH : PATH + "?user=" + Urls.segment(user));
            if (out().json()) {
                out().printJson(keys);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode k : keys) rows.add(List.of(k.get("accessKeyId").asText(), k.get("user").asText()));
            out().table(List.of("ACCESS KEY ID", "USER"), rows);
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke an access key; requests signed with it fail.")
    static final class Revoke extends ApiCommand {
        @Parameters(paramLabel = "ACCESS_KEY_ID")
        String id;

        @Override
        int run(Session s) {
            return delete(s, PATH + "/" + Urls.segment(id), "Revoked S3 access key " + id);
        }
    }
}
