package dev.cistern.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Runs restic or borg on the same PATHs, local repository, no passphrase prompts. */
final class PeerRunner {
    private PeerRunner() {
    }

    record Result(List<Double> seconds, long storedBytes) {
    }

    static Result run(String peer, Path repo, List<Path> paths) throws IOException, InterruptedException {
        deleteTree(repo);
        Map<String, String> env = Map.of("RESTIC_PASSWORD", "cistern-bench", "BORG_PASSPHRASE", "",
                "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK", "yes", "BORG_RELOCATED_REPO_ACCESS_IS_OK", "yes");
        List<Double> secs = new ArrayList<>();
        switch (peer) {
            case "restic" -> {
                exec(env, "restic", "-r", repo.toString(), "init");
                for (Path p : paths) secs.add(timed(env, "restic", "-r", repo.toString(), "backup", "--quiet", p.toString()));
            }
            case "borg" -> {
                exec(env, "borg", "init", "-e", "none", repo.toString());
                int g = 0;
                for (Path p : paths) secs.add(timed(env, "borg", "create", repo + "::gen-" + g++, p.toString()));
            }
            default -> throw new IllegalArgumentException("unknown peer '" + peer + "': use restic or borg");
        }
        return new Result(secs, du(repo));
    }

    private static double timed(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        exec(env, cmd);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void exec(Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException(cmd[0] + " is not installed (apt-get install " + (cmd[0].equals("borg") ? "borgbackup" : cmd[0]) + ")", e);
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
    }

    static long du(Path dir) throws IOException {
        if (!Files.exists(dir)) return 0;
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        } catch (IOException ignored) {
            // not on Linux
        }
        return -1;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
