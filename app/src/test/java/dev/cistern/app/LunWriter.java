package dev.cistern.app;

import dev.cistern.iscsi.testing.ExternalTools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes one iSCSI LUN through qemu-io in batches of 64 KiB slots (random data, or zeros by WRITE SAME, some with
 * UNMAP), each batch either all FUA writes or writes and a flush (SYNCHRONIZE CACHE), and remembers what the server
 * acknowledged: a batch counts once qemu-io reports every write and the flush done. A slot's content after a crash
 * must be its last acknowledged write, except that any block of it may instead hold a later write never
 * acknowledged (a torn, unacknowledged write).
 */
final class LunWriter {
    static final int SLOT = 64 << 10;
    private static final int BLOCK = 512;

    private final String iqn;
    private final Path scratch;
    private final Random random;
    /** Seed of each slot's last acknowledged content; 0 for never written (zeros). */
    private final long[] acked;
    /** Seeds written to each slot after its acknowledged content, never acknowledged themselves. */
    private final List<Set<Long>> unacknowledged = new ArrayList<>();
    private int batches;
    private String failure;

    LunWriter(String container, long lunBytes, Path scratch, long seed) {
        this.iqn = "iqn.2026-11.dev.cistern:" + container;
        this.scratch = scratch;
        this.random = new Random(seed);
        this.acked = new long[(int) (lunBytes / SLOT)];
        for (int i = 0; i < acked.length; i++) unacknowledged.add(new HashSet<>());
    }

    private String url(int port) {
        return "iscsi://127.0.0.1:" + port + "/" + iqn + "/0";
    }

    /** Writes batches until the server is killed; a batch that fails before is kept as the failure. */
    void writeUntil(int port, BooleanSupplier killed) {
        try {
            while (!killed.getAsBoolean()) {
                int[] slots = random.ints(0, acked.length).distinct().limit(1 + random.nextInt(6)).toArray();
                long[] seeds = new long[slots.length];
                boolean fua = random.nextBoolean();
                List<String> cmd = new ArrayList<>(List.of("qemu-io"));
                for (int i = 0; i < slots.length; i++) {
                    String how;
                    if (random.nextInt(6) == 0) {
                        seeds[i] = 0; // zeros: WRITE SAME, with UNMAP when -u
                        how = random.nextBoolean() ? "-z -u" : "-z";
                    } else {
                        seeds[i] = random.nextLong() | 1;
                        Path src = scratch.resolve("slot-" + iqn.hashCode() + "-" + i);
                        Files.write(src, content(seeds[i]));
                        how = "-s " + src;
                    }
                    cmd.addAll(List.of("-c", "write " + (fua ? "-f " : "") + how + " " + (long) slots[i] * SLOT + " " + SLOT));
                    unacknowledged.get(slots[i]).add(seeds[i]);
                }
                if (!fua) cmd.addAll(List.of("-c", "flush"));
                cmd.add(url(port));
                ExternalTools.Result r = ExternalTools.run(60, killed, cmd.toArray(String[]::new));
                boolean done = r.exit() == 0 && !r.output().contains("failed")
                        && r.output().split("wrote " + SLOT + "/" + SLOT, -1).length - 1 == slots.length;
                if (!done) {
                    if (!killed.getAsBoolean()) failure = "batch " + batches + " failed with the server up: " + r.output();
                    return;
                }
                for (int i = 0; i < slots.length; i++) {
                    acked[slots[i]] = seeds[i];
                    unacknowledged.get(slots[i]).clear();
                }
                batches++;
            }
        } catch (Exception | AssertionError e) {
            failure = "writer of " + iqn + ": " + e;
        }
    }

    int batches() {
        return batches;
    }

    /** Reads the whole LUN back with qemu-img and checks every slot against what was acknowledged. */
    void check(int port) throws Exception {
        assertThat(failure).as("writes to %s while the server ran", iqn).isNull();
        Path image = scratch.resolve("image-" + iqn.hashCode());
        Files.deleteIfExists(image);
        ExternalTools.Result r = ExternalTools.run(120, "qemu-img", "convert", "-f", "raw", "-O", "raw", url(port),
                image.toString());
        assertThat(r.exit()).as("qemu-img reading %s: %s", iqn, r.output()).isZero();
        byte[] all = Files.readAllBytes(image);
        assertThat(all.length).isEqualTo(acked.length * SLOT);
        for (int slot = 0; slot < acked.length; slot++) {
            byte[] want = content(acked[slot]);
            for (int b = 0; b < SLOT; b += BLOCK) {
                int at = slot * SLOT + b;
                if (Arrays.equals(all, at, at + BLOCK, want, b, b + BLOCK)) continue;
                boolean later = false;
                for (long s : unacknowledged.get(slot)) later |= Arrays.equals(all, at, at + BLOCK, content(s), b, b + BLOCK);
                assertThat(later).as("%s block at byte %d (slot %d): neither its acknowledged content (seed %d) nor an "
                        + "unacknowledged later write %s", iqn, (long) at, slot, acked[slot], unacknowledged.get(slot)).isTrue();
            }
        }
    }

    static byte[] content(long seed) {
        byte[] b = new byte[SLOT];
        if (seed != 0) new Random(seed).nextBytes(b);
        return b;
    }
}
