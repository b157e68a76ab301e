package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code cistern storage-group add|list|show|set|delete|unlock|passwd}. */
@Command(name = "storage-group", aliases = "sg", mixinStandardHelpOptions = true,
        description = "Manage storage groups (dedup domains with compression, quota and encryption).",
        subcommands = {StorageGroupCommand.Add.class, StorageGroupCommand.ListGroups.class, StorageGroupCommand.Show.class,
                StorageGroupCommand.Set.class, StorageGroupCommand.Delete.class, StorageGroupCommand.Unlock.class,
                StorageGroupCommand.Passwd.class})
final class StorageGroupCommand {
    static final String PATH = "api/v1/storage-groups";

    static String path(String name) {
        return PATH + "/" + Urls.segment(name);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a storage group.")
    static final class Add extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "3-63 characters a-z, 0-9, '.', '-'")
        String name;
        @Option(names = "--compression", paramLabel = "none|fast|best", description = "Default: fast")
        String compression;
        @Option(names = "--quota", paramLabel = "SIZE", description = "Limit on stored bytes, e.g. 100G (default: none)")
        String quota;
        @Option(names = "--chunking", paramLabel = "MIN/AVG/MAX", description = "Chunk sizes, e.g. 2K/8K/64K")
        String chunking;
        @Option(names = "--encrypt", description = "Encrypt at rest; asks for a passphrase")
        boolean encrypt;
        @Option(names = "--passphrase-stdin", description = "With --encrypt: read the passphrase from stdin")
        boolean passphraseStdin;

        @Override
        void checkSecrets() {
            if (encrypt || passphraseStdin) new Secrets(cli().env, "--passphrase-stdin").requireSource("passphrase", passphraseStdin);
        }

        @Override
        int run(Session s) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (compression != null) body.put("compression", compression);
            if (quota != null) body.put("quota", quota);
            if (chunking != null) {
                String[] p = chunking.split("/");
                if (p.length != 3) throw new CliException(CliException.USAGE, "--chunking wants MIN/AVG/MAX, e.g. 2K/8K/64K; got '" + chunking + "'");
                body.put("chunking", Map.of("min", p[0], "avg", p[1], "max", p[2]));
            }
            if (encrypt || passphraseStdin) body.put("passphrase", new Secrets(cli().env, "--passphrase-stdin").read("passphrase", passphraseStdin, true));
            JsonNode g = s.post(PATH, body);
            print(out(), g);
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List storage groups.")
    static final class ListGroups extends ApiCommand {
        @Override
        int run(Session s) {
            print(out(), s.get(PATH));
            return 0;
        }

        /** {@code groups} as the API lists them: the JSON unchanged, or a table (IDS: the chunk-id scheme). */
        static void print(Output out, JsonNode groups) {
            if (out.json()) {
                out.printJson(groups);
                return;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode g : groups) {
                rows.add(List.of(g.get("name").asText(), g.get("compression").asText(), quota(g), encryption(g),
                        chunking(g), chunkIds(g), Output.time(g, "createdAt")));
            }
            out.table(List.of("NAME", "COMPRESSION", "QUOTA", "ENCRYPTION", "CHUNKING", "IDS", "CREATED"), rows);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one storage group with its stats.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Session s) {
            showWithStats(s, path(name), StorageGroupCommand::print);
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = "Change compression (for data written from now on) and/or quota (0 = unlimited).")
    static final class Set extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--compression", paramLabel = "none|fast|best",
                description = "For data written from now on; what is stored keeps its compression")
        String compression;
        @Option(names = "--quota", paramLabel = "SIZE", description = "e.g. 2T; 0 removes the limit")
        String quota;

        @Override
        int run(Session s) {
            if (compression == null && quota == null) {
                throw new CliException(CliException.USAGE, "nothing to change: give --compression and/or --quota");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            if (compression != null) body.put("compression", compression);
            if (quota != null) body.put("quota", quota);
            print(out(), s.patch(path(name), body));
            return 0;
        }
    }

    @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete an empty storage group.")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Session s) {
            return delete(s, path(name), "Deleted storage group " + name);
        }
    }

    @Command(name = "unlock", mixinStandardHelpOptions = true, description = "Unlock an encrypted storage group.")
    static final class Unlock extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--passphrase-stdin", description = "Read the passphrase from stdin")
        boolean passphraseStdin;

        @Override
        void checkSecrets() {
            new Secrets(cli().env, "--passphrase-stdin").requireSource("passphrase", passphraseStdin);
        }

        @Override
        int run(Session s) {
            char[] p = new Secrets(cli().env, "--passphrase-stdin").read("passphrase", passphraseStdin, false);
            JsonNode g = s.post(path(name) + "/unlock", Map.of("passphrase", p));
            if (out().json()) out().printJson(g);
            else out().line("Unlocked storage group " + name);
            return 0;
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true, description = "Change the passphrase of an encrypted storage group.")
    static final class Passwd extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--passphrase-stdin", description = "Read the old then the new passphrase from two lines of stdin")
        boolean passphraseStdin;

        @Override
        void checkSecrets() {
            new Secrets(cli().env, "--passphrase-stdin").requireSource("current passphrase", passphraseStdin);
        }

        @Override
        int run(Session s) {
            Secrets secrets = new Secrets(cli().env, "--passphrase-stdin");
            char[] old = secrets.read("current passphrase", passphraseStdin, false);
            char[] neu = secrets.read("new passphrase", passphraseStdin, true);
            s.post(path(name) + "/passphrase", Map.of("oldPassphrase", old, "newPassphrase", neu));
            if (!out().json()) out().line("Changed the passphrase of storage group " + name);
            return 0;
        }
    }

    static void print(Output out, JsonNode g) {
        if (out.json()) {
            out.printJson(g);
            return;
        }
        out.keyValues(List.of(
                new String[]{"Name", g.get("name").asText()},
                new String[]{"Compression", g.get("compression").asText()},
                new String[]{"Quota", quota(g)},
                new String[]{"Encryption", encryption(g)},
                new String[]{"Chunking", chunking(g)},
                new String[]{"Chunk ids", chunkIds(g)},
                new String[]{"Created", Output.time(g, "createdAt")}));
    }

    private static String quota(JsonNode g) {
        long q = g.get("quotaBytes").asLong();
        return q == 0 ? "unlimited" : Output.bytes(q);
    }

    private static String encryption(JsonNode g) {
        if (!g.get("encrypted").asBoolean()) return "none";
        return g.get("locked").asBoolean() ? "locked" : "unlocked";
    }

    /** The scheme as the API names it; "?" from a server older than the field. */
    private static String chunkIds(JsonNode g) {
        return g.hasNonNull("chunkIds") ? g.get("chunkIds").asText() : "?";
    }

    private static String chunking(JsonNode g) {
        JsonNode c = g.get("chunking");
        return Output.bytes(c.get("minSize").asLong()) + "/" + Output.bytes(c.get("avgSize").asLong()) + "/"
                + Output.bytes(c.get("maxSize").asLong());
    }
}
