package dev.cistern.bench;

import dev.cistern.engine.Compression;
import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.ContainerSpec;
import dev.cistern.engine.Engine;
import dev.cistern.engine.EngineConfig;
import dev.cistern.engine.Engines;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.Stats;
import dev.cistern.engine.StorageGroupSpec;
import dev.cistern.engine.StreamWriter;
import dev.cistern.engine.chunking.Fingerprint;
import dev.cistern.engine.store.ChunkRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Ingests each PATH as one backup generation through the engine in-process, restores and verifies
 * everything bit-exact, and optionally runs restic and borg on the same PATHs in the same run.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Back up PATHs as generations through the engine; restore, verify, compare.")
final class IngestBench implements Callable<Integer> {
    /** Restores read this much at a time, as a restore client with a large buffer would. */
    private static final int RESTORE_READ = 4 << 20;
    /** Warm-up rounds go on until the JIT threads use less than this in one, or there were this many. */
    private static final double WARM_JIT_SECONDS = 0.1;
    private static final int MAX_WARM_ROUNDS = 4;
    /** Passes of the compressor alone over the first PATH. */
    private static final int ALONE_PASSES = 3;
    /** The chosen decompressor alone on one core, measured with the compressor: what restores are compared with. */
    private double decompressorMbs;
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "files or directory trees, one generation each, in order")
    List<Path> paths;

    @Option(names = "--compare", split = ",", paramLabel = "PEER", description = "peers to run on the same data: restic,borg")
    List<String> compare = new ArrayList<>();

    @Option(names = "--compression", defaultValue = "fast", paramLabel = "none|fast|best",
            description = "none, fast (LZ4) or best (Zstd); default fast")
    String compression;

    @Option(names = "--rounds", defaultValue = "1", paramLabel = "N",
            description = "store and restore the generations this many times, each on a fresh data directory; figures are medians (default 1)")
    int rounds;

    @Option(names = "--work", paramLabel = "DIR", description = "scratch directory (default: a new temporary directory)")
    Path work;

    @Option(names = "--encrypted", description = "store into an encrypted storage group (AES-256-GCM records, keyed chunk ids)")
    boolean encrypted;

    /** The bench's group passphrase: the figures are about the data path, not about keeping a secret. */
    private static final char[] PASSPHRASE = "cistern bench passphrase".toCharArray();

    @Override
    public Integer call() throws Exception {
        for (Path p : paths) {
            if (!Files.exists(p)) throw new IllegalArgumentException("no such path: " + p);
        }
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1, not " + rounds);
        Path dir = work != null ? work : Files.createTempDirectory("cistern-bench");
        Files.createDirectories(dir);
        for (Path p : paths) TreeWalker.write(p, b -> { }); // warm the page cache for everyone
        Map<String, Object> json = new LinkedHashMap<>();
        warmUp(dir.resolve("warmup"), paths.get(0));
        double compressorMbs = compressorAlone(paths.get(0));
        // untimed rounds on the PATHs themselves first, until the JIT has settled: C2 was still compiling the
        // store and restore paths (run once per segment or read, so late) during the first timed rounds,
        // 0.2-0.5 CPU-s of JIT threads in a generation of new data on two cores (ThreadCpu)
        for (int w = 1; ; w++) {
            PeerRunner.deleteTree(dir.resolve("cistern")); // also left by an earlier run in the same --work directory
            var threads0 = ThreadCpu.snapshot();
            Round warm = round(dir.resolve("cistern"), false, false);
            double jit = ThreadCpu.secondsOf(threads0, "jit");
            System.out.printf(Locale.ROOT, "warm-up round %d (not counted): generations %s MB/s, restore %.0f MB/s, JIT %.2f CPU-s%n",
                    w, whole(warm.ingestMbs()), warm.restoreMbs(), jit);
            if (jit < WARM_JIT_SECONDS || w == MAX_WARM_ROUNDS) break;
        }
        List<Round> done = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            if (rounds > 1) System.out.printf(Locale.ROOT, "round %d of %d%n", r + 1, rounds);
            Path data = dir.resolve("cistern");
            PeerRunner.deleteTree(data);
            done.add(round(data, true, r == rounds - 1));
        }
        // the machine's speed drifts between runs: with several rounds, each figure is the median of its rounds
        List<Double> ingest = new ArrayList<>();
        List<Double> ingestCpu = new ArrayList<>();
        for (int g = 0; g < paths.size(); g++) {
            int gen = g;
            ingest.add(median(done.stream().map(x -> x.ingestMbs().get(gen)).toList()));
            ingestCpu.add(median(done.stream().map(x -> x.ingestCpu().get(gen)).toList()));
        }
        double restoreMbs = median(done.stream().map(Round::restoreMbs).toList());
        double restoreCpu = median(done.stream().map(Round::restoreCpu).toList());
        Round last = done.getLast();
        Stats stats = last.stats();
        long heapAfterGc = last.heapAfterGc();
        if (rounds > 1) {
            System.out.printf(Locale.ROOT, "medians of %d rounds: generations %s MB/s, restore %.0f MB/s%n", rounds,
                    whole(ingest), restoreMbs);
        }
        System.out.printf(Locale.ROOT, "%-10s %14s %14s %8s %8s%n", "", "logical", "stored", "dedup", "compr");
        System.out.printf(Locale.ROOT, "%-10s %14d %14d %8.2f %8.2f%n", "cistern", stats.logicalBytes(), stats.storedBytes(),
                stats.dedupRatio(), stats.compressionRatio());
        json.put("generations", paths.size());
        json.put("rounds", rounds);
        json.put("logical_bytes", stats.logicalBytes());
        json.put("stored_bytes", stats.storedBytes());
        json.put("disk_bytes", PeerRunner.du(dir.resolve("cistern")));
        json.put("dedup_ratio", round(stats.dedupRatio()));
        json.put("compression_ratio", round(stats.compressionRatio()));
        json.put("ingest_mb_s", ingest.stream().map(IngestBench::round).toList());
        // the compressor on one core over the first PATH, in blocks the size of the engine's frames
        json.put("compressor_alone_mb_s", round(compressorMbs));
        json.put("first_ingest_over_compressor", round(ingest.get(0) / compressorMbs));
        json.put("decompressor_alone_mb_s", round(decompressorMbs));
        json.put("restore_over_decompressor", round(restoreMbs / decompressorMbs));
        json.put("restore_mb_s", round(restoreMbs));
        // CPU seconds tell the cost independently of what else runs on the machine
        json.put("ingest_cpu_s", ingestCpu.stream().map(IngestBench::round).toList());
        // two chunks at a time on the SHA extensions, or the JDK one at a time (-Dcistern.sha256.native=false)
        json.put("sha256", Fingerprint.nativeHashing() ? "native-two-lane" : "jdk");
        json.put("encrypted", encrypted);
        json.put("restore_cpu_s", round(restoreCpu));
        json.put("peak_rss_mb", PeerRunner.peakRssMb());
        json.put("chunks", stats.chunkCount());
        json.put("heap_after_gc_mb", heapAfterGc >> 20);
        json.put("heap_bytes_per_chunk", stats.chunkCount() == 0 ? 0 : heapAfterGc / stats.chunkCount());
        for (String peer : compare) {
            PeerRunner.Result r = PeerRunner.run(peer.trim(), dir.resolve(peer.trim()), paths);
            System.out.printf(Locale.ROOT, "%-10s %14s %14d   ingest s %s%n", peer, "", r.storedBytes(), r.seconds());
            Map<String, Object> pj = new LinkedHashMap<>();
            pj.put("ingest_s", r.seconds().stream().map(IngestBench::round).toList());
            pj.put("stored_bytes", r.storedBytes());
            pj.put("stored_ratio_cistern_over_peer", round((double) stats.storedBytes() / r.storedBytes()));
            double ours = 0;
            double theirs = 0;
            for (int g = 0; g < paths.size(); g++) {
                ours += logicalOf(paths.get(g)) / (ingest.get(g) * 1e6);
                theirs += r.seconds().get(g);
            }
            pj.put("time_ratio_cistern_over_peer", round(ours / theirs));
            json.put(peer.trim(), pj);
        }
        if (work == null) PeerRunner.deleteTree(dir);
        System.out.println(Json.write(json));
        return 0;
    }

    /** What one round measured: each PATH stored as a generation on a fresh data directory, then restored. */
    private record Round(List<Double> ingestMbs, List<Double> ingestCpu, double restoreMbs, double restoreCpu,
                         Stats stats, long heapAfterGc) {
    }

    /**
     * One round on a fresh data directory. With {@code measureHeap} (the last round only), a full GC
     * measures the heap the stored chunks keep: G1 then shrinks the heap to fit, and a round after it
     * would start on a heap a running server never has, paying page faults and many young collections
     * (about 10% of a generation's CPU, measured).
     */
    private Round round(Path data, boolean print, boolean measureHeap) throws IOException {
        List<Double> ingest = new ArrayList<>();
        List<Double> ingestCpu = new ArrayList<>();
        long logical = 0;
        try (Engine e = Engines.open(EngineConfig.defaults(data))) {
            e.createGroup(new StorageGroupSpec("bench", Compression.valueOf(compression.toUpperCase(Locale.ROOT)), 0, null,
                    encrypted ? PASSPHRASE : null));
            e.createContainer("bench", new ContainerSpec("bench", "client", Map.of()));
            ContainerHandle c = e.openContainer("bench");
            for (int g = 0; g < paths.size(); g++) {
                var threads0 = ThreadCpu.snapshot(); // read before the clocks start: /proc takes a while
                long t0 = System.nanoTime();
                long c0 = cpuNanos();
                long n;
                try (StreamWriter w = c.create("gen-" + g)) {
                    n = TreeWalker.write(paths.get(g), w::write);
                    w.commit(Map.of());
                }
                double s = (System.nanoTime() - t0) / 1e9;
                logical += n;
                double cpu = (cpuNanos() - c0) / 1e9;
                ingest.add(n / 1e6 / s);
                ingestCpu.add(cpu);
                if (print) {
                    System.out.printf(Locale.ROOT, "generation %d: %s in %.2f s = %.0f MB/s (%.2f CPU-s: %.0f MB per CPU-second)%n",
                            g, human(n), s, n / 1e6 / s, cpu, n / 1e6 / cpu);
                    System.out.println("  CPU-s by thread: " + ThreadCpu.since(threads0, cpu));
                }
            }
            var threads0 = ThreadCpu.snapshot();
            long t0 = System.nanoTime();
            long c0 = cpuNanos();
            for (int g = 0; g < paths.size(); g++) restore(c, "gen-" + g, RESTORE_READ);
            double rs = (System.nanoTime() - t0) / 1e9;
            double restoreCpu = (cpuNanos() - c0) / 1e9;
            double restoreMbs = logical / 1e6 / rs;
            if (print) {
                System.out.printf(Locale.ROOT, "restore: %s in %.2f s = %.0f MB/s (%.2f CPU-s: %.0f MB per CPU-second)%n",
                        human(logical), rs, restoreMbs, restoreCpu, logical / 1e6 / restoreCpu);
                System.out.println("  CPU-s by thread: " + ThreadCpu.since(threads0, restoreCpu));
            }
            for (int g = 0; g < paths.size(); g++) verify(c, "gen-" + g, paths.get(g));
            if (print) System.out.println("verify: all generations bit-exact");
            Stats stats = e.groupStats("bench");
            if (!measureHeap) return new Round(ingest, ingestCpu, restoreMbs, restoreCpu, stats, -1);
            // the index lives on disk; what stays on the heap per stored chunk is the bounded caches
            System.gc();
            Runtime rt = Runtime.getRuntime();
            return new Round(ingest, ingestCpu, restoreMbs, restoreCpu, stats, rt.totalMemory() - rt.freeMemory());
        }
    }

    /** Figures rounded to whole numbers, for a one-line summary. */
    private static List<Long> whole(List<Double> values) {
        return values.stream().map(Math::round).toList();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Lets the JIT compile the ingest and restore paths before anything is timed, as in a server that
     * has been running for a while, by an engine of its own on a scratch directory deleted afterwards.
     * The first PATH (up to 512 MiB) is stored five times, its bytes XORed with a mask per MiB so that
     * rounds are new data, duplicates or a mix of both: C2 then compiles the store stage (run once per
     * segment, so late) with both branches of every dedup decision taken, and does not throw its code
     * away in the first timed generation. Every round is restored too.
     */
    private void warmUp(Path scratch, Path first) throws IOException {
        try (Engine e = Engines.open(EngineConfig.defaults(scratch))) {
            e.createGroup(new StorageGroupSpec("warmup", Compression.valueOf(compression.toUpperCase(Locale.ROOT)), 0, null,
                    encrypted ? PASSPHRASE : null));
            e.createContainer("warmup", new ContainerSpec("warmup", "client", Map.of()));
            ContainerHandle c = e.openContainer("warmup");
            byte[][] masks = {{0x00}, {0x00}, {0x55}, {0x55, (byte) 0xaa}, {0x33, 0x00}};
            for (int round = 0; round < masks.length; round++) {
                try (StreamWriter w = c.create("warm-" + round)) {
                    TreeWalker.write(first, limited(masked(w::write, masks[round]), 512L << 20));
                    w.commit(Map.of());
                }
            }
            // the restore path runs once per read, a run or a frame: too rarely for C2 to compile it from a
            // few GB of 4 MiB reads (it was still compiling readBatch and the frame decoder during the timed
            // restore). Smaller reads call it 16 times as often, then the timed size runs once more.
            for (int round = 0; round < masks.length; round++) restore(c, "warm-" + round, 256 << 10);
            for (int round = 0; round < masks.length; round++) restore(c, "warm-" + round, RESTORE_READ);
        }
        PeerRunner.deleteTree(scratch);
    }

    /** XORs every byte with a mask, taking the next of {@code masks} every MiB: the same kind of data, other chunks. */
    private static TreeWalker.Sink masked(TreeWalker.Sink out, byte[] masks) {
        ByteBuffer scratch = ByteBuffer.allocate(1 << 20);
        long[] written = {0};
        return b -> {
            while (b.hasRemaining()) {
                byte mask = masks[(int) ((written[0] >> 20) % masks.length)];
                scratch.clear().limit((int) Math.min(scratch.capacity(), (1 << 20) - (written[0] & ((1 << 20) - 1))));
                while (b.hasRemaining() && scratch.hasRemaining()) scratch.put((byte) (b.get() ^ mask));
                written[0] += scratch.position();
                out.write(scratch.flip());
            }
        };
    }

    /**
     * The chosen compressor alone, on one core, over the first PATH's stream cut into blocks as large as
     * the engine's frames (256 KiB, 512 KiB for best): what a generation of new data is compared with.
     * The decompressor is timed on the same blocks, for the restore. Both include the record's checksum.
     * Each is the fastest of {@link #ALONE_PASSES} passes: one pass varied by 10% between runs, and the
     * fastest is the figure least kind to the engine.
     */
    private double compressorAlone(Path first) throws IOException {
        double best = 0;
        double bestDecompressor = 0;
        for (int pass = 0; pass < ALONE_PASSES; pass++) {
            best = Math.max(best, compressorPass(first));
            bestDecompressor = Math.max(bestDecompressor, decompressorMbs);
        }
        decompressorMbs = bestDecompressor;
        System.out.printf(Locale.ROOT, "compressor alone (%s, one core, %d KiB blocks, fastest of %d): %.0f MB/s; decompressor alone: %.0f MB/s%n",
                compression, frameBlock() >> 10, ALONE_PASSES, best, decompressorMbs);
        return best;
    }

    private int frameBlock() {
        return Compression.valueOf(compression.toUpperCase(Locale.ROOT)) == Compression.BEST ? 512 << 10 : 256 << 10;
    }

    /** One pass of the compressor and decompressor alone; returns the compressor's MB/s, sets the decompressor's. */
    private double compressorPass(Path first) throws IOException {
        Compression c = Compression.valueOf(compression.toUpperCase(Locale.ROOT));
        int block = frameBlock();
        byte[] buf = new byte[block];
        byte[] back = new byte[block];
        int[] fill = {0};
        long[] nanos = {0, 0}; // encoding, decoding
        Fingerprint none = Fingerprint.wrap(new byte[Fingerprint.LENGTH]);
        java.util.function.IntConsumer oneBlock = len -> {
            long t0 = System.nanoTime();
            byte[] rec = ChunkRecord.encode(buf, 0, len, none, c, null);
            long t1 = System.nanoTime();
            ChunkRecord.decodeRaw(rec, 0, false, null, () -> "block", back, 0);
            nanos[0] += t1 - t0;
            nanos[1] += System.nanoTime() - t1;
        };
        long n = TreeWalker.write(first, b -> {
            while (b.hasRemaining()) {
                int k = Math.min(b.remaining(), block - fill[0]);
                b.get(buf, fill[0], k);
                fill[0] += k;
                if (fill[0] == block) {
                    oneBlock.accept(block);
                    fill[0] = 0;
                }
            }
        });
        if (fill[0] > 0) oneBlock.accept(fill[0]);
        double mbs = n / 1e6 / (nanos[0] / 1e9);
        decompressorMbs = n / 1e6 / (nanos[1] / 1e9);
        return mbs;
    }

    /** CPU time of this process (all threads), in nanoseconds. */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long logicalOf(Path p) throws IOException {
        return TreeWalker.write(p, b -> { });
    }

    private static void restore(ContainerHandle c, String name, int readSize) {
        ByteBuffer buf = ByteBuffer.allocate(readSize);
        try (FileEntry f = c.openFile(name)) {
            long pos = 0;
            int n;
            while ((n = f.read(pos, buf.clear())) > 0) pos += n;
        }
    }

    private static void verify(ContainerHandle c, String name, Path source) throws IOException {
        try (FileEntry f = c.openFile(name)) {
            CompareStream cmp = new CompareStream(f);
            long n = TreeWalker.write(source, cmp);
            if (n != f.size()) throw new IllegalStateException(name + " restored " + f.size() + " bytes, expected " + n);
        }
    }

    static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    static String human(long n) {
        return n >= 1 << 30 ? String.format(Locale.ROOT, "%.2f GiB", n / (double) (1 << 30))
                : String.format(Locale.ROOT, "%.1f MiB", n / (double) (1 << 20));
    }

    /** Passes on the first {@code limit} bytes written and drops the rest. */
    private static TreeWalker.Sink limited(TreeWalker.Sink out, long limit) {
        long[] left = {limit};
        return b -> {
            int n = (int) Math.min(b.remaining(), left[0]);
            if (n > 0) out.write(b.slice(b.position(), n));
            left[0] -= n;
        };
    }

    /** Compares what is written with a restored entry, byte for byte. */
    private static final class CompareStream implements TreeWalker.Sink {
        private final FileEntry f;
        private long pos;

        CompareStream(FileEntry f) {
            this.f = f;
        }

        @Override
        public void write(ByteBuffer b) {
            int len = b.remaining();
            ByteBuffer got = ByteBuffer.allocate(len);
            f.read(pos, got);
            if (got.flip().mismatch(b) >= 0) {
                throw new IllegalStateException("restore differs from the source near byte " + pos);
            }
            pos += len;
        }
    }
}
