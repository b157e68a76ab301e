package dev.cistern.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cistern storage-group list} from the API's JSON: the table, with the chunk-id scheme, and --json as sent. */
class StorageGroupListTest {
    private static final String GROUPS = """
            [{"name":"plain","compression":"fast","quotaBytes":0,"chunking":{"minSize":2048,"avgSize":8192,"maxSize":65536},
              "encrypted":false,"locked":false,"chunkIds":"sha256","createdAt":"2026-01-01T00:00:00Z"},
             {"name":"vault","compression":"best","quotaBytes":107374182400,"chunking":{"minSize":2048,"avgSize":8192,"maxSize":65536},
              "encrypted":true,"locked":true,"chunkIds":"keyed-hmac-sha256","createdAt":"2026-01-02T00:00:00Z"},
             {"name":"older","compression":"none","quotaBytes":0,"chunking":{"minSize":2048,"avgSize":8192,"maxSize":65536},
              "encrypted":false,"locked":false,"createdAt":"2026-01-03T00:00:00Z"}]
            """;

    private static String print(boolean json) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        JsonNode groups = CliJson.MAPPER.readTree(GROUPS);
        StorageGroupCommand.ListGroups.print(new Output(new PrintStream(b, true, StandardCharsets.UTF_8), json), groups);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theTableHasAColumnForTheChunkIdScheme() throws Exception {
        assertThat(print(false).lines().toList()).containsExactly(
                "NAME   COMPRESSION  QUOTA      ENCRYPTION  CHUNKING                  IDS                CREATED",
                "plain  fast         unlimited  none        2.0 KiB/8.0 KiB/64.0 KiB  sha256             2026-01-01T00:00:00Z",
                "vault  best         100 GiB    locked      2.0 KiB/8.0 KiB/64.0 KiB  keyed-hmac-sha256  2026-01-02T00:00:00Z",
                "older  none         unlimited  none        2.0 KiB/8.0 KiB/64.0 KiB  ?                  2026-01-03T00:00:00Z");
    }

    @Test
    void jsonIsTheApisListUnchanged() throws Exception {
        assertThat(CliJson.MAPPER.readTree(print(true))).isEqualTo(CliJson.MAPPER.readTree(GROUPS));
    }
}
