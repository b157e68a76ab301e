package dev.cistern.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code cistern bench ... --help}: the usage text and exit code 0, as for every other command. */
class BenchMainTest {
    @Test
    void ingestHelpPrintsTheUsageAndSucceeds() {
        // README: "just check its usage text"; it answered "Missing required parameter: 'PATH'" with exit code 2
        assertThat(BenchMain.run(new String[] {"ingest", "--help"})).isZero();
        assertThat(BenchMain.run(new String[] {"--help"})).isZero();
    }

    @Test
    void ingestWithoutAPathIsStillBadUsage() {
        assertThat(BenchMain.run(new String[] {"ingest"})).isEqualTo(2);
    }
}
