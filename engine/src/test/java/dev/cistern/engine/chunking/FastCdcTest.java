package dev.cistern.engine.chunking;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cistern.engine.ChunkingSpec;
import dev.cistern.engine.TestData;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class FastCdcTest {
    private final FastCdc cdc = new FastCdc(ChunkingSpec.DEFAULT);

    private List<Integer> cuts(byte[] data) {
        List<Integer> out = new ArrayList<>();
        int pos = 0;
        while (pos < data.length) {
            int n = cdc.next(data, pos, data.length - pos, true);
            pos += n;
            out.add(pos);
        }
        return out;
    }

    @Test
    void sizesStayWithinBoundsAndAverageNearTarget() {
        byte[] data = TestData.random(1, 16 * 1024 * 1024);
        List<Integer> cuts = cuts(data);
        int prev = 0;
        for (int i = 0; i < cuts.size(); i++) {
            int size = cuts.get(i) - prev;
            if (i < cuts.size() - 1) assertThat(size).isBetween(2048, 65536);
            prev = cuts.get(i);
        }
        double avg = (double) data.length / cuts.size();
        assertThat(avg).isBetween(6000.0, 12000.0);
    }

    /** Property: an insertion or deletion changes only the chunks next to it; later boundaries return. */
    @RepeatedTest(20)
    void boundariesResynchronizeAfterAnEdit(org.junit.jupiter.api.RepetitionInfo info) {
        Random r = new Random(info.getCurrentRepetition());
        byte[] data = TestData.random(r.nextLong(), 2 * 1024 * 1024);
        int at = r.nextInt(data.length / 2);
        int delta = r.nextBoolean() ? 1 + r.nextInt(5000) : -(1 + r.nextInt(5000));
        byte[] edited;
        if (delta > 0) {
            edited = new byte[data.length + delta];
            System.arraycopy(data, 0, edited, 0, at);
            System.arraycopy(TestData.random(r.nextLong(), delta), 0, edited, at, delta);
            System.arraycopy(data, at, edited, at + delta, data.length - at);
        } else {
            edited = new byte[data.length + delta];
            System.arraycopy(data, 0, edited, 0, at);
            System.arraycopy(data, at - delta, edited, at, data.length - at + delta);
        }
        Set<Integer> before = new HashSet<>();
        for (int c : cuts(data)) if (c > at + 70_000) before.add(c + delta);
        Set<Integer> after = new HashSet<>();
        for (int c : cuts(edited)) if (c > at + 70_000 + Math.max(0, delta)) after.add(c);
        before.removeIf(c -> c <= at + 70_000 + Math.max(0, delta));
        assertThat(after).isEqualTo(before);
    }

    /**
     * The chunker must keep cutting exactly where the definition below does (gear table seed, masks,
     * normalization): a faster loop that moved one boundary would stop new backups deduplicating against
     * everything stored before. Random specs, low-entropy data (long runs without a cut), and buffers
     * that end before the maximum, with and without more data to come.
     */
    @RepeatedTest(30)
    void cutsExactlyWhereOneByteAStepCuts(org.junit.jupiter.api.RepetitionInfo info) {
        Random r = new Random(1000 + info.getCurrentRepetition());
        int avg = 1 << (8 + r.nextInt(7));
        int min = 64 + r.nextInt(avg - 64);
        int max = avg + 1 + r.nextInt(4 * avg);
        ChunkingSpec spec = new ChunkingSpec(min, avg, max);
        FastCdc fast = new FastCdc(spec);
        byte[] data = TestData.random(r.nextLong(), 1 << 20);
        if (r.nextBoolean()) for (int i = 0; i < data.length; i++) data[i] &= 3; // few distinct bytes
        int pos = 0;
        while (pos < data.length) {
            int len = Math.min(data.length - pos, 1 + r.nextInt(2 * max));
            boolean last = r.nextBoolean();
            assertThat(fast.next(data, pos, len, last)).as("spec %s at %d, %d bytes, last %s", spec, pos, len, last)
                    .isEqualTo(oneByteAStep(spec, data, pos, len, last));
            int n = fast.next(data, pos, data.length - pos, true);
            pos += n;
        }
    }

    /** FastCDC with normalization level 2, written plainly: the definition the chunker must keep. */
    private static int oneByteAStep(ChunkingSpec spec, byte[] buf, int off, int len, boolean last) {
        if (len <= spec.minSize()) return last ? len : -1;
        int bits = Integer.numberOfTrailingZeros(spec.avgSize());
        long hard = -1L << (64 - (bits + 2));
        long easy = bits - 2 <= 0 ? 0 : -1L << (64 - (bits - 2));
        int limit = Math.min(len, spec.maxSize());
        int normal = Math.min(spec.avgSize(), limit);
        long fp = 0;
        for (int i = spec.minSize(); i < limit; i++) {
            fp = (fp << 1) + GEAR_REFERENCE[buf[off + i] & 0xff];
            if ((fp & (i < normal ? hard : easy)) == 0) return i + 1;
        }
        return limit == spec.maxSize() || last ? limit : -1;
    }

    private static final long[] GEAR_REFERENCE = FastCdc.gearTable();

    /** The gear table is part of the definition: its checksum, as first shipped, must never change. */
    @Test
    void gearTableIsTheOneShipped() {
        long h = 0;
        for (long g : GEAR_REFERENCE) h = h * 31 + g;
        assertThat(GEAR_REFERENCE).hasSize(256);
        assertThat(h).isEqualTo(GEAR_CHECKSUM);
    }

    private static final long GEAR_CHECKSUM = -3439842651615956769L;
}
