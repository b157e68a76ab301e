package dev.cistern.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Runs the JMH micro-benchmarks of the engine's inner loops (chunker, hashing, compression, index). */
@Command(name = "jmh", description = {"Run JMH micro-benchmarks (chunking, SHA-256, compression, index lookups).",
        "Arguments go to JMH, e.g. a benchmark regex or -f 1 -wi 2 -i 3."})
final class JmhCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<String> a = new ArrayList<>(args);
        if (a.isEmpty()) a.addAll(List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "2s", "-r", "3s"));
        org.openjdk.jmh.Main.main(a.toArray(String[]::new));
        return 0;
    }
}
