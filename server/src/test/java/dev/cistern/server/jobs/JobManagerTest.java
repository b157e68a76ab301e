package dev.cistern.server.jobs;

import dev.cistern.engine.EngineException;
import dev.cistern.server.FakeEngine;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobManagerTest {
    private final FakeEngine engine = new FakeEngine();
    private final JobManager jobs = new JobManager(() -> engine, Clock.systemUTC());

    @Test
    void aSecondCleanWhileOneRunsIsRefusedNamingTheRunningJob() throws Exception {
        engine.cleanGate = new CountDownLatch(1);
        Job first = jobs.start(JobKind.CLEAN, "alice");
        assertThatThrownBy(() -> jobs.start(JobKind.CLEAN, "bob"))
                .isInstanceOf(EngineException.class)
                .hasMessage("a clean is already running as job " + first.id() + "; poll GET /api/v1/jobs/" + first.id())
                .extracting(e -> ((EngineException) e).reason()).isEqualTo(EngineException.Reason.BUSY);
        Job verify = jobs.start(JobKind.VERIFY, "bob");
        assertThat(first.view().state()).isEqualTo(JobState.RUNNING);
        assertThat(first.view().percent()).isEqualTo(50.0);
        assertThat(first.view().phase()).isEqualTo("mark");

        engine.cleanGate.countDown();
        awaitDone(first);
        awaitDone(verify);
        JobView v = first.view();
        assertThat(v.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(v.finishedAt()).isNotNull();
        assertThat(v.report()).isNotNull();
        assertThat(jobs.jobs()).extracting(Job::id).containsExactly(verify.id(), first.id());
        assertThat(jobs.start(JobKind.CLEAN, "bob").id()).isGreaterThan(verify.id());
    }

    /** However many jobs end after it, a running one stays listed: it can still be polled and cancelled. */
    @Test
    void aRunningJobOutlivesTheHistoryOfFinishedOnes() throws Exception {
        engine.cleanGate = new CountDownLatch(1);
        Job clean = jobs.start(JobKind.CLEAN, "alice");
        for (int i = 0; i < JobManager.KEPT + 5; i++) awaitDone(jobs.start(JobKind.VERIFY, "bob"));
        assertThat(jobs.jobs()).extracting(Job::id).contains(clean.id()).hasSize(JobManager.KEPT);
        assertThatThrownBy(() -> jobs.start(JobKind.CLEAN, "bob")).hasMessageContaining("job " + clean.id());
        engine.cleanGate.countDown();
        awaitDone(clean);
    }

    @Test
    void aFailingEngineCallEndsTheJobAsFailedWithTheReason() throws Exception {
        JobManager broken = new JobManager(() -> new FakeEngine() {
            @Override
            public dev.cistern.engine.VerifyReport verify(dev.cistern.engine.Progress p) {
                throw new EngineException(EngineException.Reason.IO_ERROR, "cannot read container 17: disk gone");
            }
        }, Clock.systemUTC());
        Job j = broken.start(JobKind.VERIFY, "alice");
        awaitDone(j);
        assertThat(j.view().state()).isEqualTo(JobState.FAILED);
        assertThat(j.view().error()).isEqualTo("cannot read container 17: disk gone");
    }

    @Test
    void aCancelledJobWindsDownToCancelledSayingWhoAndHowFar() throws Exception {
        engine.cleanGate = new CountDownLatch(1);
        Job clean = jobs.start(JobKind.CLEAN, "alice");
        assertThat(clean.cancelled()).isFalse();
        assertThat(jobs.cancel(clean, "bob")).isTrue();
        assertThat(jobs.cancel(clean, "carol")).as("asking again while it winds down").isTrue();
        JobView winding = clean.view();
        assertThat(winding.state()).isEqualTo(JobState.RUNNING);
        assertThat(winding.cancelledBy()).isEqualTo("bob");
        assertThat(clean.cancelled()).isTrue();

        engine.cleanGate.countDown();
        awaitDone(clean);
        JobView v = clean.view();
        assertThat(v.state()).isEqualTo(JobState.CANCELLED);
        assertThat(v.error()).startsWith("clean cancelled after 1 of 2 chunk containers");
        assertThat(v.finishedAt()).isNotNull();
        assertThat(v.report()).isNull();
        assertThat(jobs.cancel(clean, "bob")).as("an ended job").isFalse();
        assertThat(clean.view().state()).isEqualTo(JobState.CANCELLED);
        // the next clean is not refused as busy, and is not cancelled
        Job next = jobs.start(JobKind.CLEAN, "alice");
        awaitDone(next);
        assertThat(next.view().state()).isEqualTo(JobState.SUCCEEDED);
    }

    private static void awaitDone(Job j) throws InterruptedException {
        for (int i = 0; i < 200 && j.running(); i++) Thread.sleep(10);
        assertThat(j.running()).as("job " + j.id() + " finished").isFalse();
    }
}
