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
}
