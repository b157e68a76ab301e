package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The report of a verify or clean the CLI waited for names the job's state with the word 'cistern job list' uses. */
class JobOutcomeWordsTest {
    private static final String VERIFY = """
            {"id":12,"kind":"verify","state":"succeeded","report":{"containersChecked":3,"chunksChecked":40,
             "bytesChecked":1048576,"damagedChunks":0,"chunksChecksumOnly":0,"took":"PT1S",
             "damagedEntries":[],"damagedContainers":[]}}
            """;

    @Test
    void aVerifyThatSucceededSaysSucceededAsTheJobListDoes() throws Exception {
        JsonNode job = CliJson.MAPPER.readTree(VERIFY);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        VerifyCommand.print(new Output(new PrintStream(b, true, StandardCharsets.UTF_8), false), job);
        String first = b.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
        assertThat(first).contains("12 " + JobCommand.state(job)).endsWith("succeeded").doesNotContain("finished");
    }

    @Test
    void theOutcomeIsTheJobsOwnState() throws Exception {
        assertThat(JobRunner.outcome(CliJson.MAPPER.readTree("{\"id\":5,\"state\":\"succeeded\"}")))
                .isEqualTo("5 succeeded");
    }
}
