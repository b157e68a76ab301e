package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code storage-group show --json} and {@code container show --json} carry the stats their tables print. */
class ShowWithStatsTest {
    @Test
    void theApisObjectIsKeptAndTheStatsAreAddedUnderStats() throws Exception {
        JsonNode group = CliJson.MAPPER.readTree("{\"name\":\"plain\",\"compression\":\"fast\",\"quotaBytes\":0}");
        JsonNode stats = CliJson.MAPPER.readTree("{\"logicalBytes\":2048,\"uniqueBytes\":1024,\"storedBytes\":512,"
                + "\"dedupRatio\":2.0,\"compressionRatio\":2.0,\"savingsPercent\":75.0,\"chunkCount\":1}");
        ObjectNode shown = ApiCommand.withStats(group, stats);
        assertThat(shown.get("stats")).isEqualTo(stats);
        ObjectNode rest = shown.deepCopy();
        rest.remove("stats");
        assertThat(rest).isEqualTo(group);
        assertThat(group.has("stats")).as("the API's object is not changed").isFalse();
    }
}
