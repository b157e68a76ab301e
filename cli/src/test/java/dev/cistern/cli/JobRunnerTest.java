package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobRunnerTest {

    @Test
    void theProgressBarRedrawsOneLineWithPercentAndPhase() throws Exception {
        JsonNode job = CliJson.MAPPER.readTree("{\"kind\":\"clean\",\"percent\":50.0,\"phase\":\"mark\"}");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        JobRunner.draw(new PrintStream(b, true, StandardCharsets.UTF_8), job);
        assertThat(b.toString(StandardCharsets.UTF_8))
                .isEqualTo("\rclean [###############               ]  50.0% mark                ");
    }

    @Test
    void aFailedOrCancelledJobIsOneLineAndExitOne() throws Exception {
        JsonNode cancelled = CliJson.MAPPER.readTree("{\"id\":7,\"kind\":\"clean\",\"state\":\"cancelled\","
                + "\"cancelledBy\":\"bob\",\"error\":\"clean cancelled after 12 of 40 chunk containers\"}");
        assertThatThrownBy(() -> JobRunner.requireNotStopped(cancelled)).isInstanceOf(CliException.class)
                .hasMessage("clean job 7 was cancelled by bob: clean cancelled after 12 of 40 chunk containers")
                .extracting(e -> ((CliException) e).exitCode()).isEqualTo(CliException.FAILED);
        JsonNode failed = CliJson.MAPPER.readTree("{\"id\":8,\"kind\":\"verify\",\"state\":\"failed\",\"error\":\"disk gone\"}");
        assertThatThrownBy(() -> JobRunner.requireNotStopped(failed)).hasMessage("verify job 8 failed: disk gone");
        JsonNode running = CliJson.MAPPER.readTree("{\"id\":9,\"kind\":\"verify\",\"state\":\"running\"}");
        assertThatCode(() -> JobRunner.requireNotStopped(running)).doesNotThrowAnyException();
    }

    @Test
    void whoStopsWaitingIsToldTheJobGoesOnAndHowToCancelIt() {
        assertThat(JobRunner.keepsRunning(7)).isEqualTo("job 7 keeps running on the server; follow it with"
                + " 'cistern job show 7', stop it with 'cistern job cancel 7'");
    }

    @Test
    void aRunningJobAskedToStopShowsAsCancelling() throws Exception {
        assertThat(JobCommand.state(CliJson.MAPPER.readTree("{\"state\":\"running\",\"cancelledBy\":\"bob\"}")))
                .isEqualTo("cancelling");
        assertThat(JobCommand.state(CliJson.MAPPER.readTree("{\"state\":\"running\",\"cancelledBy\":null}")))
                .isEqualTo("running");
        assertThat(JobCommand.state(CliJson.MAPPER.readTree("{\"state\":\"cancelled\",\"cancelledBy\":\"bob\"}")))
                .isEqualTo("cancelled");
    }
}
