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
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
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
     * range first: native code reading past an array would not throw, it would crash the server.
     */
    static void digest(byte[] buf, int[] off, int[] len, int from, int to, byte[] out) {
        int n = to - from;
        if (n <= 0) return;
        Objects.checkFromToIndex(from, to, Math.min(off.length, len.length));
        Objects.checkFromIndexSize(0, 32L * n, out.length);
        for (int i = from; i < to; i++) Objects.checkFromIndexSize(off[i], len[i], buf.length);
        try {
            // a critical call may read heap arrays in place: no copy of the chunks
            LANES.invokeExact(MemorySegment.ofArray(buf),
                    MemorySegment.ofArray(off).asSlice(4L * from), MemorySegment.ofArray(len).asSlice(4L * from),
                    n, MemorySegment.ofArray(out));
        } catch (Throwable t) {
            throw new IllegalStateException("native SHA-256 failed", t);
        }
    }

    private static MethodHandle load() {
        if (!Boolean.parseBoolean(System.getProperty("cistern.sha256.native", "true"))) return null;
        if (!System.getProperty("os.name", "").startsWith("Linux") || !"amd64".equals(System.getProperty("os.arch"))) {
            return null;
        }
        URL url = NativeSha256.class.getClassLoader().getResource(LIBRARY);
        if (url == null) {
            LOG.info("SHA-256 by the JDK: " + LIBRARY + " was not built (no C compiler at build time)");
            return null;
        }
        try {
            Path lib = localCopy(url);
            Linker linker = Linker.nativeLinker();
            SymbolLookup symbols = SymbolLookup.libraryLookup(lib, Arena.global());
            MethodHandle supported = linker.downcallHandle(symbols.findOrThrow("cistern_sha256_lanes_supported"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT));
            if ((int) supported.invokeExact() != 1) {
                LOG.info("SHA-256 by the JDK: this CPU lacks the SHA extensions");
                return null;
            }
            MethodHandle lanes = linker.downcallHandle(symbols.findOrThrow("cistern_sha256_lanes"),
                    FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                    Linker.Option.critical(true));
            String wrong = selfTest(lanes);
            if (wrong != null) {
                LOG.warning("SHA-256 by the JDK: the native library gave a wrong digest (" + wrong + ")");
                return null;
            }
            return lanes;
        } catch (Throwable t) {
            // a restricted-access refusal, a library the loader rejects: the JDK's digest still works
            LOG.warning("SHA-256 by the JDK: cannot load " + LIBRARY + ": " + t);
            return null;
        }
    }

    /**
     * The library as a file: where it is when classes come from a directory, else a copy under the temp
     * directory named by its content, made once and shared by every process of the same build.
     */
    private static Path localCopy(URL url) throws IOException, URISyntaxException, java.security.NoSuchAlgorithmException {
        if ("file".equals(url.getProtocol())) return Path.of(url.toURI());
        byte[] bytes;
        try (InputStream in = url.openStream()) {
            bytes = in.readAllBytes();
        }
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8);
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "cistern-native-" + id);
        Path lib = dir.resolve("libcistern-sha256.so");
        if (Files.isRegularFile(lib) && Files.size(lib) == bytes.length) return lib;
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "lib", ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return lib;
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
