package dev.cistern.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OutputTest {

    @Test
    void bytesAreShownInBinaryUnits() {
        assertThat(Output.bytes(0)).isEqualTo("0 B");
        assertThat(Output.bytes(1023)).isEqualTo("1023 B");
        assertThat(Output.bytes(1536)).isEqualTo("1.5 KiB");
        assertThat(Output.bytes(100L << 30)).isEqualTo("100 GiB");
        assertThat(Output.bytes(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
    }

    @Test
    void durationsAreShownForPeople() {
        assertThat(Output.duration("PT0.150346411S")).isEqualTo("150 ms");
        assertThat(Output.duration("PT0S")).isEqualTo("0 ms");
        assertThat(Output.duration("PT2.5S")).isEqualTo("2.5 s");
        assertThat(Output.duration("PT3M7.9S")).isEqualTo("3 min 7 s");
        assertThat(Output.duration("PT26H5M")).isEqualTo("26 h 5 min");
        // what is not an ISO duration is shown as sent
        assertThat(Output.duration("soon")).isEqualTo("soon");
    }

    @Test
    void timesAreShownToTheSecond() throws Exception {
        com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                "{\"at\":\"2026-12-07T07:13:25.470340065Z\",\"none\":null,\"odd\":\"yesterday\"}");
        assertThat(Output.time(n, "at")).isEqualTo("2026-12-07T07:13:25Z");
        assertThat(Output.time(n, "none")).isEqualTo("-");
        assertThat(Output.time(n, "missing")).isEqualTo("-");
        assertThat(Output.time(n, "odd")).isEqualTo("yesterday");
    }

    @Test
    void tablesAlignColumnsToTheWidestCell() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new Output(new PrintStream(b, true, StandardCharsets.UTF_8), false)
                .table(List.of("NAME", "ROLE"), List.of(List.of("administrator", "admin"), List.of("bob", "monitor")));
        assertThat(b.toString(StandardCharsets.UTF_8)).isEqualTo("""
                NAME           ROLE
                administrator  admin
                bob            monitor
                """);
    }
}
