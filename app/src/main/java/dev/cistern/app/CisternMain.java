package dev.cistern.app;

import dev.cistern.bench.BenchMain;
import dev.cistern.cli.CisternCli;
import dev.cistern.cli.CliEnvironment;
import dev.cistern.server.ServeCommand;

import java.util.Arrays;

/**
 * The one entry point of {@code cistern.jar}: {@code serve} runs the server, {@code watch} runs it and
 * respawns it if it dies ({@link Watchdog}), {@code bench} the benchmarks, anything else is a CLI command. The CLI never touches the engine; only {@code serve} and {@code bench} do.
 */
public final class CisternMain {
    private CisternMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String first = args.length > 0 ? args[0] : "";
        String[] rest = args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args;
        return switch (first) {
            case "serve" -> ServeCommand.run(rest);
            case "bench" -> BenchMain.run(rest);
            case "watch" -> Watchdog.run(rest);
            default -> CisternCli.run(args, CliEnvironment.system());
        };
    }
}
