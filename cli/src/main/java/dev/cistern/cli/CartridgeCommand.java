package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cistern cartridge ...}: virtual tape cartridges of a tape library (vtl container). */
@Command(name = "cartridge", mixinStandardHelpOptions = true, description = "Manage the cartridges of a tape library.",
        subcommands = {CartridgeCommand.Add.class, CartridgeCommand.ListCartridges.class, CartridgeCommand.Move.class,
                CartridgeCommand.Export.class, CartridgeCommand.Import.class, CartridgeCommand.Protect.class,
                CartridgeCommand.Delete.class})
final class CartridgeCommand {
    static String path(String library) {
        return "api/v1/containers/" + Urls.segment(library) + "/cartridges";
    }

    static void print(Output out, JsonNode c) {
        if (out.json()) {
            out.printJson(c);
            return;
        }
        out.line(c.get("barcode").asText() + ": " + c.get("location").asText()
                + (c.get("address").asInt() >= 0 ? " " + c.get("address").asInt() : "")
                + ", " + Output.bytes(c.get("usedBytes").asLong()) + " of " + Output.bytes(c.get("capacity").asLong())
                + (c.get("writeProtected").asBoolean() ? ", write-protected" : ""));
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a blank cartridge in a free slot.")
    static final class Add extends ApiCommand {
        @Parameters(index = "0", paramLabel = "LIBRARY")
        String library;
        @Parameters(index = "1", paramLabel = "BARCODE", description = "e.g. CST001L5")
        String barcode;
        @Option(names = "--capacity", paramLabel = "SIZE", description = "e.g. 1500G (default: the drive model's native capacity)")
        String capacity;

        @Override
        int run(Session s) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("barcode", barcode);
            if (capacity != null) body.put("capacity", capacity);
            print(out(), s.post(path(library), body));
            return 0;
        }
    }

    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List the cartridges of a library.")
    static final class ListCartridges extends ApiCommand {
        @Parameters(paramLabel = "LIBRARY")
        String library;

        @Override
        int run(Session s) {
            JsonNode cs = s.get(path(library));
            if (out().json()) {
                out().printJson(cs);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode c : cs) {
                rows.add(List.of(c.get("barcode").asText(), c.get("location").asText(),
                        c.get("address").asInt() < 0 ? "-" : c.get("address").asText(), Output.bytes(c.get("usedBytes").asLong()),
                        Output.bytes(c.get("capacity").asLong()), c.get("writeProtected").asBoolean() ? "yes" : "no"));
            }
            out().table(List.of("BARCODE", "WHERE", "ADDRESS", "USED", "CAPACITY", "PROTECTED"), rows);
            return 0;
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true, description = "Move a cartridge to an element address (slot or drive).")
    static final class Move extends ApiCommand {
        @Parameters(index = "0", paramLabel = "LIBRARY")
        String library;
        @Parameters(index = "1", paramLabel = "BARCODE")
        String barcode;
        @Parameters(index = "2", paramLabel = "ADDRESS")
        int to;

        @Override
        int run(Session s) {
            print(out(), s.post(path(library) + "/" + Urls.segment(barcode) + "/move", Map.of("to", to)));
            return 0;
        }
    }

    /** A library action on one cartridge, posted to .../cartridges/BARCODE/ACTION. */
    abstract static class CartridgeAction extends ApiCommand {
        @Parameters(index = "0", paramLabel = "LIBRARY")
        String library;
        @Parameters(index = "1", paramLabel = "BARCODE")
        String barcode;

        abstract String action();

        @Override
        int run(Session s) {
            print(out(), s.post(path(library) + "/" + Urls.segment(barcode) + "/" + action(), Map.of()));
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Export a cartridge: slot to mail slot, mail slot to out.")
    static final class Export extends CartridgeAction {
        @Override
        String action() {
            return "export";
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true, description = "Import an exported cartridge into the mail slot.")
    static final class Import extends CartridgeAction {
        @Override
        String action() {
            return "import";
        }
    }

    @Command(name = "protect", mixinStandardHelpOptions = true, description = "Set or clear a cartridge's write protection.")
    static final class Protect extends ApiCommand {
        @Parameters(index = "0", paramLabel = "LIBRARY")
        String library;
        @Parameters(index = "1", paramLabel = "BARCODE")
        String barcode;
        @Option(names = "--off", description = "clear the write protection")
        boolean off;

        @Override
        int run(Session s) {
            print(out(), s.patch(path(library) + "/" + Urls.segment(barcode), Map.of("writeProtected", !off)));
            return 0;
        }
    }

    @Command(name = "delete", aliases = "rm", mixinStandardHelpOptions = true, description = "Delete a cartridge and its data.")
    static final class Delete extends ApiCommand {
        @Parameters(index = "0", paramLabel = "LIBRARY")
        String library;
        @Parameters(index = "1", paramLabel = "BARCODE")
        String barcode;

        @Override
        int run(Session s) {
            return delete(s, path(library) + "/" + Urls.segment(barcode), "Deleted cartridge " + barcode);
        }
    }
}
