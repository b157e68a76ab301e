package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JobRunnerTest {

    @Test
    void theProgressBarRedrawsOneLineWithPercentAndPhase() throws Exception {
        JsonNode job = CliJson.MAPPER.readTree("{\"kind\":\"clean\",\"percent\":50.0,\"phase\":\"mark\"}");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        JobRunner.draw(new PrintStream(b, true, StandardCharsets.UTF_8), job);
        assertThat(b.toString(StandardCharsets.UTF_8))
                .isEqualTo("\rclean [###############               ]  50.0% mark                ");
    }
}
