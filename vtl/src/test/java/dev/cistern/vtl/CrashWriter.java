package dev.cistern.vtl;

import static dev.cistern.vtl.VtlFixture.run;

import dev.cistern.iscsi.scsi.Bytes;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import java.nio.file.Path;

/**
 * Child process of {@link CrashTest}: appends backup files (variable blocks, then a filemark) to cartridge
 * CST001L5 in drive 1 forever and prints "FILE n" after each WRITE FILEMARKS is acknowledged. On start
 * it positions after the last filemark, so a file cut by the previous kill is overwritten.
 * Args: data dir, "create" on the first round.
 */
public final class CrashWriter {
    static final int BLOCKS_PER_FILE = 12;

    private CrashWriter() {
    }

    static int length(long file, int block) {
        return 1000 + (int) ((file * 7919 + block * 104729L) % 150_000);
    }

    static long seed(long file, int block) {
        return file * 1000 + block;
    }

    public static void main(String[] args) {
        boolean create = args.length > 1 && args[1].equals("create");
        VtlFixture f = new VtlFixture(Path.of(args[0]), create);
        if (create) {
            TapeLibraries.addCartridge(f.engine, f.library, "CST001L5", 8L << 30);
            TapeLibraries.moveCartridge(f.engine, f.library, "CST001L5", 0x100);
        }
        run(f.drive1, 0x11, 3, 0, 0, 0, 0); // space to end of data
        long files = Bytes.u64(run(f.drive1, 0x34, 6, 0, 0, 0, 0, 0, 0, 0, 0).dataIn(), 16);
        int[] loc = new int[16];
        loc[0] = 0x92;
        loc[1] = 1 << 3; // locate to the start of file number `files`
        for (int i = 0; i < 8; i++) loc[4 + i] = (int) (files >>> (56 - 8 * i)) & 0xff;
        check(run(f.drive1, loc));
        System.out.println("START " + files);
        System.out.flush();
        for (long file = files; ; file++) {
            for (int b = 0; b < BLOCKS_PER_FILE; b++) {
                int n = length(file, b);
                byte[] data = new byte[n];
                new java.util.Random(seed(file, b)).nextBytes(data);
                check(run(f.drive1, 0, data, 0x0a, 0, n >> 16, n >> 8, n, 0));
            }
            check(run(f.drive1, 0x10, 0, 0, 0, 1, 0));
            System.out.println("FILE " + file);
            System.out.flush();
        }
    }

    private static void check(ScsiResponse r) {
        if (r.status() != ScsiStatus.GOOD) throw new IllegalStateException("command failed: " + r.sense());
    }
}
