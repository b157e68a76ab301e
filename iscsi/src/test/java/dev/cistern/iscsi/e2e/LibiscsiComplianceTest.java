package dev.cistern.iscsi.e2e;

import dev.cistern.iscsi.testing.ExternalTools;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * libiscsi's compliance suite against Cistern (engine-backed 1 GiB LUN) and Debian's tgtd in one run,
 * through iscsi/compliance/run-compliance.sh: every test tgt really passes must really pass on Cistern.
 * The per-test report is left in target/compliance/compliance-report.tsv. Takes about two minutes.
 */
class LibiscsiComplianceTest {
    /** Tests Cistern really passes today; a drop below means a regression even where tgt fails too. */
    private static final int CISTERN_FLOOR = 204;

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void cisternPassesEverythingTgtPasses() throws Exception {
        ExternalTools.require("iscsi-test-cu", "libiscsi-bin");
        ExternalTools.require("tgtd", "tgt");
        ExternalTools.require("python3", "python3");
        Path module = Path.of("").toAbsolutePath();
        Path script = module.resolve("compliance/run-compliance.sh");
        Path out = module.resolve("target/compliance");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), out.toString()).redirectErrorStream(true);
        pb.environment().put("CISTERN_CP", System.getProperty("java.class.path"));
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // free ports, so parallel builds on one machine do not collide
        pb.environment().put("CISTERN_PORT", String.valueOf(freePort()));
        pb.environment().put("TGT_PORT", String.valueOf(freePort()));
        Process p = pb.start();
        byte[] log = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        String output = new String(log);
        List<String> rows = Files.readAllLines(out.resolve("compliance-report.tsv"));
        long cisternPassed = rows.stream().filter(r -> r.split("\t")[1].equals("passed")).count();
        assertThat(output).doesNotContain("REGRESSION");
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(cisternPassed).as(output).isGreaterThanOrEqualTo(CISTERN_FLOOR);
    }
}
