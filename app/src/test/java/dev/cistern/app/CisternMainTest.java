package dev.cistern.app;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The jar's entry point sends each first word to the right program. */
class CisternMainTest {

    @Test
    void dispatchesServeBenchAndTheCli() {
        assertThat(CisternMain.run(new String[]{"serve", "--no-such-option"})).isEqualTo(2);
        assertThat(CisternMain.run(new String[]{"bench", "--help"})).isZero();
        assertThat(CisternMain.run(new String[]{"--version"})).isZero();
        assertThat(CisternMain.run(new String[]{"no-such-command"})).isEqualTo(2);
    }
}
