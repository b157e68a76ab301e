package dev.cistern.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code cistern bench ...}: benchmarks that print figures, never pass/fail. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure Cistern's speed and space savings.",
        subcommands = {IngestBench.class, JmhCommand.class})
public final class BenchMain {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        return new CommandLine(new BenchMain()).setExecutionExceptionHandler((ex, cl, pr) -> {
            System.err.println("cistern bench: " + ex.getMessage());
            return 1;
        }).execute(args);
    }
}
