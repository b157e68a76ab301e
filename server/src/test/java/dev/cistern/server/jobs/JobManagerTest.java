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

    private static void awaitDone(Job j) throws InterruptedException {
        for (int i = 0; i < 200 && j.running(); i++) Thread.sleep(10);
        assertThat(j.running()).as("job " + j.id() + " finished").isFalse();
    }
}
