package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code cistern container add|list|show|set|delete}. */
@Command(name = "container", aliases = "ct", mixinStandardHelpOptions = true,
        description = "Manage containers (what a protocol exports: LUNs, tape libraries, buckets, shares).",
        subcommands = {ContainerCommand.Add.class, ContainerCommand.ListContainers.class, ContainerCommand.Show.class,
                ContainerCommand.Set.class, ContainerCommand.Delete.class})
final class ContainerCommand {
    static final String PATH = "api/v1/containers";

    static String path(String name) {
        return PATH + "/" + Urls.segment(name);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a container in a storage group.")
    static final class Add extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = {"-g", "--storage-group"}, required = true, paramLabel = "GROUP",
                description = "Storage group the container stores into (its dedup domain, compression, quota)")
        String group;
        @Option(names = {"-p", "--protocol"}, required = true, paramLabel = "PROTOCOL",
                description = "iscsi, vtl or s3; also nfs or client, which are kept but which no front end of this build exports")
        String protocol;
        @Option(names = "--property", paramLabel = "KEY=VALUE", description = "Protocol setting; repeatable")
        Map<String, String> properties = new TreeMap<>();
        @Option(names = "--size", paramLabel = "SIZE", description = "iscsi: size of LUN 0, e.g. 100G")
        String size;
        @Option(names = "--block-size", paramLabel = "512|4096", description = "iscsi: logical block size of LUN 0 (default 512)")
        Integer blockSize;
        @Option(names = "--read-only", description = "iscsi: LUN 0 is write-protected")
        boolean readOnly;
        @Option(names = "--chap-user", paramLabel = "USER", description = {"iscsi, vtl: CHAP user initiators must log in with;",
                "its secret (12-16 characters) is asked for, never taken from the command line"})
        String chapUser;
        @Option(names = "--chap-secret-stdin", description = "With --chap-user: read the CHAP secret from stdin")
        boolean chapSecretStdin;
        @Option(names = "--initiator", paramLabel = "IQN", description = "iscsi, vtl: initiator allowed to log in; repeatable (default: any)")
        java.util.List<String> initiators = new java.util.ArrayList<>();
        @Option(names = "--drives", paramLabel = "N", description = "vtl: number of tape drives")
        Integer drives;
        @Option(names = "--slots", paramLabel = "N", description = "vtl: number of storage slots")
        Integer slots;
        @Option(names = "--mailslots", paramLabel = "N", description = "vtl: number of import/export slots")
        Integer mailslots;
        @Option(names = "--drive-model", paramLabel = "MODEL", description = "vtl: drive model the library emulates")
        String driveModel;

        @Override
        void checkSecrets() {
            if (chapUser != null) new Secrets(cli().env, "--chap-secret-stdin").requireSource("CHAP secret", chapSecretStdin);
        }

        @Override
        int run(Session s) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("storageGroup", group);
            body.put("protocol", protocol);
            Map<String, String> props = new TreeMap<>(properties);
            if (chapSecretStdin && chapUser == null) throw new CliException(CliException.USAGE, "--chap-secret-stdin needs --chap-user");
            if (chapUser != null) {
                props.put("chap.user", chapUser);
                props.put("chap.secret", new String(new Secrets(cli().env, "--chap-secret-stdin").read("CHAP secret", chapSecretStdin, true)));
            }
            if (!initiators.isEmpty()) props.put("initiators", String.join(",", initiators));
            if (drives != null) props.put("vtl.drives", String.valueOf(drives));
            if (slots != null) props.put("vtl.slots", String.valueOf(slots));
            if (mailslots != null) props.put("vtl.mailslots", String.valueOf(mailslots));
            if (driveModel != null) props.put("vtl.drive-model", driveModel);
            body.put("properties", props);
            if (size != null) {
                Map<String, Object> lun = new LinkedHashMap<>();
                lun.put("size", size);
                if (blockSize != null) lun.put("blockSize", blockSize);
                lun.put("readOnly", readOnly);
                body.put("lun", lun);
            }
            print(out(), s.post(PATH, body));
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List containers.")
    static final class ListContainers extends ApiCommand {
        @Option(names = {"-g", "--storage-group"}, paramLabel = "GROUP", description = "Only this storage group's")
        String group;

        @Override
        int run(Session s) {
            JsonNode list = s.get(group == null ? PATH : PATH + "?storageGroup=" + Urls.segment(group));
            Output out = out();
            if (out.json()) {
                out.printJson(list);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode c : list) {
                rows.add(List.of(c.get("name").asText(), c.get("storageGroup").asText(), c.get("protocol").asText(),
                        properties(c), Output.time(c, "createdAt")));
            }
            out.table(List.of("NAME", "STORAGE GROUP", "PROTOCOL", "PROPERTIES", "CREATED"), rows);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one container with its stats.")
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Session s) {
            JsonNode c = showWithStats(s, path(name), ContainerCommand::print);
            if (!out().json() && c.path("protocol").asText().equals("iscsi")) {
                // how an initiator reaches the disks: otherwise 'lun list' is the only place that tells
                JsonNode luns = s.get(IscsiCommand.luns(name));
                out().line("");
                if (luns.isEmpty()) out().line("No LUNs yet: add one with 'cistern lun add " + name + " --size SIZE'");
                else IscsiCommand.Lun.printLuns(out(), luns);
            }
            return 0;
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true, description = "Replace a container's protocol properties.")
    static final class Set extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;
        @Option(names = "--property", paramLabel = "KEY=VALUE", required = true,
                description = "The new properties (repeatable); properties not given are removed")
        Map<String, String> properties = new TreeMap<>();

        @Override
        int run(Session s) {
            print(out(), s.patch(path(name), Map.of("properties", properties)));
            return 0;
        }
    }

    @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true,
            description = "Delete a container and everything in it (space returns at the next clean).")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        int run(Session s) {
            return delete(s, path(name), "Deleted container " + name);
        }
    }

    static void print(Output out, JsonNode c) {
        if (out.json()) {
            out.printJson(c);
            return;
        }
        out.keyValues(List.of(
                new String[]{"Name", c.get("name").asText()},
                new String[]{"Storage group", c.get("storageGroup").asText()},
                new String[]{"Protocol", c.get("protocol").asText()},
                new String[]{"Properties", properties(c)},
                new String[]{"Created", Output.time(c, "createdAt")}));
    }

    private static String properties(JsonNode c) {
        List<String> kv = new ArrayList<>();
        c.get("properties").properties().forEach(e -> kv.add(e.getKey() + "=" + e.getValue().asText()));
        return kv.isEmpty() ? "-" : String.join(",", kv);
    }
}
