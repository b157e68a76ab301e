package dev.cistern.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module boundaries the design depends on, checked on the sources: the engine knows no protocol,
 * front ends use only the engine's API package, and the CLI speaks only REST.
 */
class ArchitectureTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();

    private static List<String> violations(String module, Pattern forbidden) throws IOException {
        Path src = ROOT.resolve(module).resolve("src/main/java");
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(src)) return out;
        try (Stream<Path> files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (line.startsWith("import ") && forbidden.matcher(line).find()) {
                        out.add(ROOT.relativize(f) + ": " + line);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void engineImportsNoProtocolServerOrClientCode() throws IOException {
        assertThat(Files.isDirectory(ROOT.resolve("engine/src/main/java"))).isTrue();
        assertThat(violations("engine", Pattern.compile("dev\\.cistern\\.(?!engine)"))).isEmpty();
    }

    @Test
    void frontEndsUseOnlyTheEngineApiPackage() throws IOException {
        Pattern internals = Pattern.compile("dev\\.cistern\\.engine\\.(chunking|core|meta|store|crypto)\\.");
        for (String module : List.of("iscsi", "s3", "vtl", "nfs", "server")) {
            assertThat(violations(module, internals)).as(module).isEmpty();
        }
    }

    @Test
    void cliSpeaksOnlyRest() throws IOException {
        assertThat(violations("cli", Pattern.compile("dev\\.cistern\\.(engine|server|iscsi|s3|vtl)"))).isEmpty();
    }
}
