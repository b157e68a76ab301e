package dev.cistern.iscsi.session;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class TaskOrderingTest {

    @Test
    void onlyOverlappingRangesWithAWriterConflict() {
        TaskOrdering.Slot w = new TaskOrdering.Slot(0, 10, 20, true);
        assertThat(w.conflicts(new TaskOrdering.Slot(0, 19, 30, false))).isTrue();
        assertThat(w.conflicts(new TaskOrdering.Slot(0, 20, 30, true))).isFalse(); // adjacent
        assertThat(w.conflicts(new TaskOrdering.Slot(1, 10, 20, true))).isFalse(); // other LUN
        TaskOrdering.Slot r = new TaskOrdering.Slot(0, 10, 20, false);
        assertThat(r.conflicts(new TaskOrdering.Slot(0, 10, 20, false))).isFalse(); // two reads
    }

    @Test
    void aConflictingCommandWaitsForTheEarlierOneAndABarrierForAll() throws Exception {
        TaskOrdering o = new TaskOrdering();
        TaskOrdering.Slot write = new TaskOrdering.Slot(0, 0, 8, true);
        TaskOrdering.Slot read = new TaskOrdering.Slot(0, 100, 108, false);
        o.admit(write);
        o.admit(read); // independent: admitted at once
        CompletableFuture<Void> overlapping = CompletableFuture.runAsync(() -> {
            try {
                o.admit(new TaskOrdering.Slot(0, 4, 6, false));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(overlapping).isNotDone();
        o.done(write);
        overlapping.get(2, TimeUnit.SECONDS);
        CompletableFuture<Void> barrier = CompletableFuture.runAsync(() -> {
            try {
                o.drain();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertThat(barrier).isNotDone();
        o.done(read);
        o.done(new TaskOrdering.Slot(0, 4, 6, false));
        barrier.get(2, TimeUnit.SECONDS);
    }
}
