package dev.cistern.app;

import dev.cistern.cli.CisternCli;
import dev.cistern.server.ServeCommand;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * The one entry point of {@code cistern.jar}: {@code serve} runs the server, {@code bench} the benchmarks,
 * anything else is a CLI command. The CLI never loads the engine; only {@code serve} and {@code bench} do.
 */
public final class CisternMain {
    /** Looked up by name so the app builds whether or not the bench module has its entry point yet. */
    static final String BENCH_MAIN = "dev.cistern.bench.BenchMain";

    private CisternMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length > 0 && args[0].equals("serve")) return ServeCommand.run(rest(args));
        if (args.length > 0 && args[0].equals("bench")) return bench(rest(args));
        return CisternCli.run(args, dev.cistern.cli.CliEnvironment.system());
    }

    private static String[] rest(String[] args) {
        return Arrays.copyOfRange(args, 1, args.length);
    }

    private static int bench(String[] args) {
        try {
            Method main = Class.forName(BENCH_MAIN).getMethod("main", String[].class);
            main.invoke(null, (Object) args);
            return 0;
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            System.err.println("cistern: this build has no benchmarks (" + BENCH_MAIN + " is missing)");
            return 1;
        } catch (InvocationTargetException e) {
            Throwable c = e.getCause();
            System.err.println("cistern bench: " + (c.getMessage() == null ? c : c.getMessage()));
            return 1;
        } catch (IllegalAccessException e) {
            System.err.println("cistern: cannot run " + BENCH_MAIN + ": " + e.getMessage());
            return 1;
        }
    }
}
