package dev.cistern.server.http;

import dev.cistern.engine.EngineException.Reason;
import dev.cistern.server.config.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The status contract clients rely on for engine failures. */
class ErrorStatusTest {

    @Test
    void engineReasonsMapToTheDocumentedStatuses() {
        assertThat(ErrorStatus.of(Reason.NOT_FOUND)).isEqualTo(404);
        assertThat(ErrorStatus.of(Reason.ALREADY_EXISTS)).isEqualTo(409);
        assertThat(ErrorStatus.of(Reason.INVALID_ARGUMENT)).isEqualTo(400);
        assertThat(ErrorStatus.of(Reason.NOT_EMPTY)).isEqualTo(409);
        assertThat(ErrorStatus.of(Reason.QUOTA_EXCEEDED)).isEqualTo(507);
        assertThat(ErrorStatus.of(Reason.NO_SPACE)).isEqualTo(507);
        assertThat(ErrorStatus.of(Reason.LOCKED)).isEqualTo(423);
        assertThat(ErrorStatus.of(Reason.ACCESS_DENIED)).isEqualTo(403);
        assertThat(ErrorStatus.of(Reason.BUSY)).isEqualTo(409);
        assertThat(ErrorStatus.of(Reason.READ_ONLY)).isEqualTo(409);
        assertThat(ErrorStatus.of(Reason.DAMAGED)).isEqualTo(500);
        assertThat(ErrorStatus.of(Reason.IO_ERROR)).isEqualTo(500);
        assertThat(ErrorStatus.of(Reason.CLOSED)).isEqualTo(503);
        assertThat(ErrorStatus.of(Reason.CANCELLED)).isEqualTo(409);
    }

    @Test
    void configKindsMapToTheirStatuses() {
        assertThat(ErrorStatus.of(ConfigException.Kind.INVALID)).isEqualTo(400);
        assertThat(ErrorStatus.of(ConfigException.Kind.NOT_FOUND)).isEqualTo(404);
        assertThat(ErrorStatus.of(ConfigException.Kind.ALREADY_EXISTS)).isEqualTo(409);
        assertThat(ErrorStatus.of(ConfigException.Kind.CONFLICT)).isEqualTo(409);
        assertThat(ErrorStatus.of(ConfigException.Kind.UNAUTHORIZED)).isEqualTo(401);
        assertThat(ErrorStatus.of(ConfigException.Kind.IO_ERROR)).isEqualTo(500);
        assertThat(ErrorStatus.of(ConfigException.Kind.NO_SPACE)).isEqualTo(507);
    }
}
