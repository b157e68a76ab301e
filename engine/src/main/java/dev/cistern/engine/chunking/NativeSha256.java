package dev.cistern.engine.chunking;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.Random;
import java.util.logging.Logger;

/**
 * SHA-256 of many chunks in one call to {@code sha256_lanes.c}, which hashes two chunks at a time on
 * the CPU's SHA extensions: one message alone leaves the SHA unit idle between dependent rounds, two
 * interleaved fill it. Used only where it gives the same digests as the JDK: the library must have been
 * built for this platform (the engine's build compiles it when a C compiler is present), the CPU must
 * have the instructions, and a self-test against the JDK at load must pass. Otherwise, and with
 * {@code -Dcistern.sha256.native=false}, {@link #AVAILABLE} is false and callers use the JDK.
 */
final class NativeSha256 {
    private static final Logger LOG = Logger.getLogger(NativeSha256.class.getName());
    private static final String LIBRARY = "native/linux-x86_64/libcistern-sha256.so";

    /** {@code void cistern_sha256_lanes(buf, off, len, count, out)}, or null when unavailable. */
    private static final MethodHandle LANES = load();
    static final boolean AVAILABLE = LANES != null;

    private NativeSha256() {
    }

    /**
     * Digests chunks {@code from..to-1} of {@code buf} into {@code out[32 * (i - from)]}. Checks every
     * range first, on copies of the offsets and lengths that the native code then reads: native code
     * reading past an array would not throw, it would crash the server.
     */
    static void digest(byte[] buf, int[] off, int[] len, int from, int to, byte[] out) {
        Objects.checkFromToIndex(from, to, Math.min(off.length, len.length));
        int n = to - from;
        if (n == 0) return;
        Objects.checkFromIndexSize(0, 32L * n, out.length);
        int[] offsets = Arrays.copyOfRange(off, from, to);
        int[] lengths = Arrays.copyOfRange(len, from, to);
        for (int i = 0; i < n; i++) Objects.checkFromIndexSize(offsets[i], lengths[i], buf.length);
        try {
            // a critical call may read heap arrays in place: no copy of the chunks
            LANES.invokeExact(MemorySegment.ofArray(buf), MemorySegment.ofArray(offsets), MemorySegment.ofArray(lengths),
                    n, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw new IllegalStateException("native SHA-256 failed", t);
        }
    }

    private static MethodHandle load() {
        if (!Boolean.parseBoolean(System.getProperty("cistern.sha256.native", "true"))) {
            LOG.info("SHA-256 by the JDK, as -Dcistern.sha256.native=false asks");
            return null;
        }
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("Linux") || !"amd64".equals(arch)) {
            LOG.info("SHA-256 by the JDK: the native library is built for Linux on x86-64, not " + os + " on " + arch);
            return null;
        }
        URL url = NativeSha256.class.getClassLoader().getResource(LIBRARY);
        if (url == null) {
            LOG.info("SHA-256 by the JDK: " + LIBRARY + " was not built (no C compiler at build time)");
            return null;
        }
        try {
            MethodHandle lanes = loadFrom(url);
            LOG.info(lanes == null ? "SHA-256 by the JDK: this CPU lacks the SHA extensions"
                    : "SHA-256 two chunks at a time on the CPU's SHA extensions (" + LIBRARY + ")");
            return lanes;
        } catch (Throwable t) {
            // a restricted-access refusal, a library the loader rejects, a wrong digest: the JDK's still works
            LOG.warning("SHA-256 by the JDK: cannot use " + LIBRARY + ": " + t);
            return null;
        }
    }

    /**
     * Loads the library at {@code url} and returns its checked entry point, or null if the CPU lacks the
     * instructions; throws if it cannot be loaded or gives a wrong digest.
     */
    static MethodHandle loadFrom(URL url) throws Throwable {
        Linker linker = Linker.nativeLinker();
        SymbolLookup symbols = lookup(url);
        MethodHandle supported = linker.downcallHandle(symbols.findOrThrow("cistern_sha256_lanes_supported"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT));
        if ((int) supported.invokeExact() != 1) return null;
        MethodHandle lanes = linker.downcallHandle(symbols.findOrThrow("cistern_sha256_lanes"),
                FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                Linker.Option.critical(true));
        String wrong = selfTest(lanes);
        if (wrong != null) throw new IllegalStateException("wrong digest for " + wrong);
        return lanes;
    }

    /**
     * Opens the library: in place when classes come from a directory; from a jar, through a copy in a new
     * directory only this user can enter, removed as soon as it is loaded (the mapping stays). Never a
     * shared or predictable path: another local user could have put a library of their own there.
     */
    private static SymbolLookup lookup(URL url) throws IOException, URISyntaxException {
        if ("file".equals(url.getProtocol())) return SymbolLookup.libraryLookup(Path.of(url.toURI()), Arena.global());
        Path dir = Files.createTempDirectory("cistern-native"); // 0700 on POSIX file systems
        Path lib = dir.resolve("libcistern-sha256.so");
        try {
            try (InputStream in = url.openStream()) {
                Files.copy(in, lib);
            }
            return SymbolLookup.libraryLookup(lib, Arena.global());
        } finally {
            Files.deleteIfExists(lib);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Compares the native digests with the JDK's over lengths around every padding case and chunks long
     * and short enough to run both lanes, one lane alone, and a lane refilled while the other still works.
     */
    private static String selfTest(MethodHandle lanes) throws Throwable {
        int[] lengths = {0, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000, 8192, 70000, 3, 20000, 64, 191};
        int[] off = new int[lengths.length];
        int total = 0;
        for (int i = 0; i < lengths.length; i++) {
            off[i] = total + (i & 7); // unaligned starts too
            total = off[i] + lengths[i];
        }
        byte[] buf = new byte[total];
        new Random(42).nextBytes(buf);
        byte[] out = new byte[32 * lengths.length];
        lanes.invokeExact(MemorySegment.ofArray(buf), MemorySegment.ofArray(off), MemorySegment.ofArray(lengths),
                lengths.length, MemorySegment.ofArray(out));
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < lengths.length; i++) {
            md.update(buf, off[i], lengths[i]);
            if (!Arrays.equals(md.digest(), 0, 32, out, 32 * i, 32 * i + 32)) return "length " + lengths[i];
        }
        return null;
    }
}
