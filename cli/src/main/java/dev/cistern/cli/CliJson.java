package dev.cistern.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The CLI's JSON mapping. Unknown fields are ignored: a newer server may send more than this CLI knows. */
final class CliJson {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CliJson() {
    }
}
