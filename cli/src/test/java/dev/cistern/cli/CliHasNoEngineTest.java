package dev.cistern.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CLI speaks only REST: neither the engine nor the server is on its class path. */
class CliHasNoEngineTest {

    @Test
    void engineAndServerClassesAreNotReachable() {
        assertThatThrownBy(() -> Class.forName("dev.cistern.engine.Engine")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("dev.cistern.server.CisternServer")).isInstanceOf(ClassNotFoundException.class);
    }
}
