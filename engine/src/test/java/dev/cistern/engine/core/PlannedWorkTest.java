package dev.cistern.engine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reads hand their decoding to workers through this: finish() must not return while any task still writes. */
class PlannedWorkTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(3);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void everyTaskRunsOnceAndIsDoneWhenFinishReturns() {
        for (int round = 0; round < 200; round++) {
            AtomicIntegerArray done = new AtomicIntegerArray(64);
            PlannedWork work = new PlannedWork(pool, 2);
            for (int i = 0; i < 64; i++) {
                int k = i;
                work.add(() -> {
                    if (k % 7 == 0) sleep(1); // some tasks are still running when the planner finishes
                    done.incrementAndGet(k);
                });
            }
            work.finish();
            for (int i = 0; i < 64; i++) assertThat(done.get(i)).as("task %d of round %d", i, round).isEqualTo(1);
        }
    }

    @Test
    void finishesOnThePlannersThreadWhenEveryWorkerIsBusy() throws Exception {
        ExecutorService busy = Executors.newSingleThreadExecutor();
        try {
            var blocker = new java.util.concurrent.CountDownLatch(1);
            busy.submit(() -> {
                blocker.await();
                return null;
            });
            AtomicInteger ran = new AtomicInteger();
            PlannedWork work = new PlannedWork(busy, 1);
            for (int i = 0; i < 10; i++) work.add(ran::incrementAndGet);
            work.finish(); // would hang if it waited for the helper that never got a thread
            assertThat(ran).hasValue(10);
            blocker.countDown();
        } finally {
            busy.shutdownNow();
        }
    }

    @Test
    void theFirstFailureIsThrownAfterTheOtherTasksStopped() {
        PlannedWork work = new PlannedWork(pool, 2);
        AtomicInteger running = new AtomicInteger();
        for (int i = 0; i < 32; i++) {
            int k = i;
            work.add(() -> {
                running.incrementAndGet();
                try {
                    sleep(1);
                    if (k == 3) throw new IllegalStateException("task 3 failed");
                } finally {
                    running.decrementAndGet();
                }
            });
        }
        assertThatThrownBy(work::finish).isInstanceOf(IllegalStateException.class).hasMessage("task 3 failed");
        assertThat(running).hasValue(0);
    }

    @Test
    void aPlannerThatFailsCancelsWhatIsQueuedAndLeavesNoWorkerWaiting() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            PlannedWork work = new PlannedWork(two, 2);
            AtomicInteger ran = new AtomicInteger();
            var started = new java.util.concurrent.CountDownLatch(1);
            work.add(() -> {
                started.countDown();
                sleep(50);
                ran.incrementAndGet();
            });
            for (int i = 0; i < 20; i++) {
                work.add(() -> {
                    sleep(5);
                    ran.incrementAndGet();
                });
            }
            started.await();
            work.cancel();
            work.finish(); // a cancel is not a failure of its own: the planner's failure is what is thrown
            assertThat(ran.get()).isBetween(1, 20);
            // both pool threads are free again, not left waiting for work on the queue
            var a = two.submit(() -> { });
            var b = two.submit(() -> { });
            a.get(5, java.util.concurrent.TimeUnit.SECONDS);
            b.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            two.shutdownNow();
        }
    }

    @Test
    void anInterruptedPlannerStillWaitsForTheTasksRunning() throws Exception {
        PlannedWork work = new PlannedWork(pool, 2);
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        var started = new java.util.concurrent.CountDownLatch(2);
        work.add(() -> {
            started.countDown();
            sleep(100);
            done.set(true);
        });
        work.add(() -> {
            started.countDown();
            sleep(100);
        });
        started.await();
        Thread.currentThread().interrupt();
        work.finish();
        assertThat(done).isTrue(); // the task may write into the caller's array: it finished first
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
