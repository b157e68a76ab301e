package dev.cistern.s3.bench;

import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.s3.S3Credentials;
import dev.cistern.s3.S3Server;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small S3 load generator: N concurrent clients PUT then GET objects of one size for a fixed time,
 * reporting throughput, ops/s and latency percentiles. Object contents are random per object, so dedup
 * does not flatter the PUT figures.
 *
 * <pre>
 * S3Bench --embedded DIR                 start a Cistern engine + S3 server in DIR and measure it
 * S3Bench --endpoint URL --access AK --secret SK [--label NAME]   measure any S3 endpoint
 *   both may be given: then the same run measures both and prints the Cistern/other ratios
 *   [--clients 16] [--seconds 10] [--sizes 1048576,4096]
 * </pre>
 */
public final class S3Bench {
    record Result(String target, String phase, int size, long ops, double seconds, double p50ms, double p99ms) {
        double opsPerSec() {
            return ops / seconds;
        }

        double mibPerSec() {
            return ops * (double) size / seconds / (1 << 20);
        }
    }

    private S3Bench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        int clients = Integer.parseInt(opt.getOrDefault("clients", "16"));
        int seconds = Integer.parseInt(opt.getOrDefault("seconds", "10"));
        int[] sizes = Arrays.stream(opt.getOrDefault("sizes", "1048576,4096").split(",")).mapToInt(Integer::parseInt).toArray();
        List<Result> all = new ArrayList<>();
        if (opt.containsKey("embedded")) {
            Path dir = Path.of(opt.get("embedded"));
            Files.createDirectories(dir);
            try (Engine engine = Engines.open(EngineConfig.defaults(dir))) {
                S3Credentials creds = id -> id.equals("BENCHKEY")
                        ? Optional.of(new S3Credentials.Key("BENCHKEY", "benchsecret", "bench")) : Optional.empty();
                S3Server server = new S3Server(engine, creds, new InetSocketAddress("127.0.0.1", 0));
                server.start();
                try {
                    URI ep = URI.create("http://127.0.0.1:" + server.port());
                    all.addAll(run("cistern", new RequestSigner(ep, "BENCHKEY", "benchsecret"), clients, seconds, sizes));
                } finally {
                    server.stop();
                }
            }
        }
        if (opt.containsKey("endpoint")) {
            URI ep = URI.create(opt.get("endpoint"));
            all.addAll(run(opt.getOrDefault("label", "other"), new RequestSigner(ep, opt.get("access"), opt.get("secret")),
                    clients, seconds, sizes));
        }
        System.out.printf("%-8s %-4s %9s %10s %10s %9s %9s%n", "target", "op", "size", "ops/s", "MiB/s", "p50 ms", "p99 ms");
        for (Result r : all) {
            System.out.printf("%-8s %-4s %9d %10.1f %10.1f %9.2f %9.2f%n", r.target(), r.phase(), r.size(), r.opsPerSec(),
                    r.mibPerSec(), r.p50ms(), r.p99ms());
        }
        List<Result> cis = all.stream().filter(r -> r.target().equals("cistern")).toList();
        for (Result c : cis) {
            all.stream().filter(r -> !r.target().equals("cistern") && r.phase().equals(c.phase()) && r.size() == c.size())
                    .forEach(o -> System.out.printf("ratio cistern/%s %s %d: %.2f%n", o.target(), c.phase(), c.size(),
                            c.opsPerSec() / o.opsPerSec()));
        }
    }

    static List<Result> run(String target, RequestSigner signer, int clients, int seconds, int[] sizes) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        String bucket = "bench-" + Long.toHexString(System.nanoTime());
        check(http.send(signer.request("PUT", bucket, null, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()), "create bucket " + bucket);
        List<Result> out = new ArrayList<>();
        for (int size : sizes) {
            AtomicInteger written = new AtomicInteger();
            out.add(phase(target, "PUT", size, clients, seconds, (client, n) -> {
                byte[] data = new byte[size];
                new SplittableRandom(((long) client << 32) + n).nextBytes(data);
                String key = "obj-" + size + "-" + client + "-" + n;
                check(http.send(signer.request("PUT", bucket, key, HttpRequest.BodyPublishers.ofByteArray(data)).build(),
                        HttpResponse.BodyHandlers.discarding()), "PUT " + key);
                written.updateAndGet(w -> Math.max(w, n + 1));
            }));
            int perClient = Math.max(1, written.get() / 2);
            out.add(phase(target, "GET", size, clients, seconds, (client, n) -> {
                String key = "obj-" + size + "-" + client + "-" + (n % perClient);
                HttpResponse<byte[]> r = http.send(signer.request("GET", bucket, key, HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                check(r, "GET " + key);
                if (r.body().length != size) throw new IllegalStateException("GET " + key + " returned " + r.body().length + " bytes");
            }));
        }
        return out;
    }

    interface Op {
        void run(int client, int n) throws Exception;
    }

    static Result phase(String target, String name, int size, int clients, int seconds, Op op) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<long[]> latencies = new ArrayList<>();
        long start = System.nanoTime();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<long[]>> fs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                fs.add(ex.submit(() -> {
                    long[] lat = new long[1 << 16];
                    int n = 0;
                    while (System.nanoTime() < end && n < lat.length) {
                        long t0 = System.nanoTime();
                        op.run(client, n);
                        lat[n++] = System.nanoTime() - t0;
                    }
                    return Arrays.copyOf(lat, n);
                }));
            }
            for (Future<long[]> f : fs) latencies.add(f.get());
        }
        double took = (System.nanoTime() - start) / 1e9;
        long[] merged = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        double p50 = merged.length == 0 ? 0 : merged[merged.length / 2] / 1e6;
        double p99 = merged.length == 0 ? 0 : merged[(int) (merged.length * 0.99)] / 1e6;
        return new Result(target, name, size, merged.length, took, p50, p99);
    }

    private static void check(HttpResponse<?> r, String what) {
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + " failed with HTTP " + r.statusCode() + ": " + r.body());
        }
    }
}
