package dev.cistern.engine.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small tmpfs mounted for one test, so a full disk is quick to reach. Mounting needs root (as in CI);
 * {@link #close()} unmounts it.
 */
public final class SmallDisk implements AutoCloseable {
    public final Path root;

    public SmallDisk(Path mountPoint, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(mountPoint);
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
        if (out != null) throw new IllegalStateException("mounting a tmpfs needs root: " + out);
        root = mountPoint;
    }

    /**
     * Takes all the free space but {@code leaveBytes} with a file outside the data directory, as another
     * program sharing the file system would; returns that file (delete it to give the space back).
     */
    public Path fill(long leaveBytes) throws IOException {
        Path filler = root.resolve("filler-" + System.nanoTime());
        long free = Files.getFileStore(root).getUsableSpace() - leaveBytes;
        byte[] block = new byte[1 << 20];
        try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
            // tmpfs allocates on write: write the bytes, a sparse setLength would take nothing
            for (long done = 0; done < free; done += block.length) {
                try {
                    f.write(block, 0, (int) Math.min(block.length, free - done));
                } catch (IOException full) {
                    break;
                }
            }
        }
        return filler;
    }

    public long freeBytes() throws IOException {
        return Files.getFileStore(root).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        String out = run("umount", root.toString());
        // a server just closed may still be letting go of its files (RocksDB's background threads)
        for (int i = 0; i < 100 && out != null; i++) {
            Thread.sleep(100);
            out = run("umount", root.toString());
        }
        if (out != null) {
            String held = " held by this JVM: " + heldOpen();
            run("umount", "-l", root.toString()); // detached, so the machine is not left with the mount
            throw new IllegalStateException("cannot unmount " + root + ": " + out + held);
        }
    }

    /** Files under the mount this JVM still has open or mapped, one line each. */
    public List<String> heldOpen() throws IOException {
        List<String> held = new ArrayList<>();
        for (Path target : openFilesUnder(root)) held.add("open: " + target);
        Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(root.toString()))
                .forEach(l -> held.add("mapped: " + l));
        return held;
    }

    /** Files under {@code dir} this JVM holds open (from /proc/self/fd). */
    public static List<Path> openFilesUnder(Path dir) throws IOException {
        List<Path> open = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir)) open.add(target);
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return open;
    }

    /** Null when the command succeeded, else its output. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return p.waitFor() == 0 ? null : out;
    }
}
