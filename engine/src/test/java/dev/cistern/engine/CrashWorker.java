package dev.cistern.engine;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Child process of {@link CrashTest}: writes through the engine forever and prints one line per
 * write the engine acknowledged as durable (and one before each in-place file rewrite, which the kill may
 * catch before its flush). The parent kills it with SIGKILL at a random moment.
 * Args: data dir, round number (so each round writes new names).
 */
public final class CrashWorker {
    static final int BLOCK = 4096;
    /** Size of the random-access file (an NFS file's pattern): rewritten in place, never grown. */
    static final int FILE_SIZE = 4 << 20;

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        int round = Integer.parseInt(args[1]);
        Engine e = Engines.open(EngineConfig.defaults(dir).withContainerSize(512 * 1024));
        if (round == 0) {
            e.createGroup(StorageGroupSpec.of("grp"));
            e.createContainer("grp", new ContainerSpec("crash", "client", Map.of()));
            e.openContainer("crash").createVolume("vol", 64L * 1024 * 1024, 512, false).close();
            // committed before the first acknowledgement, so before any kill
            try (StreamWriter w = e.openContainer("crash").create("file")) {
                w.write(ByteBuffer.allocate(FILE_SIZE));
                w.commit(Map.of());
            }
        }
        ContainerHandle c = e.openContainer("crash");
        BlockVolume v = c.openVolume("vol");
        StreamWriter tape = c.append("tape");
        FileEntry file = c.openFile("file");
        long tapeStart = tape.position();
        System.out.println("TAPE-START " + tapeStart);
        for (int i = 0; ; i++) {
            String name = "r" + round + "-s" + i;
            long seed = round * 100_000L + i;
            int len = 1000 + (int) (seed * 7919 % 700_000);
            try (StreamWriter w = c.create(name)) {
                w.write(ByteBuffer.wrap(TestData.random(seed, len)));
                w.commit(Map.of());
            }
            System.out.println("STREAM " + name + " " + seed + " " + len);
            if (i >= 3 && i % 2 == 1) {
                // deletes give the cleaner work; announced first, as the kill may land in between
                String old = "r" + round + "-s" + (i - 3);
                System.out.println("DELETING " + old);
                System.out.flush();
                c.delete(old);
            }
            if (i % 8 == 7) { // a kill may land in the middle of a clean
                System.out.println("CLEANING");
                System.out.flush();
                e.clean(Progress.NONE);
                System.out.println("CLEANED");
            }
            // one volume block per step, each written once; every 4th durable by FUA, others by flush
            long block = (round * 1000L + i) % (64L * 1024 * 1024 / BLOCK);
            v.write(block * BLOCK, ByteBuffer.wrap(TestData.random(seed + 7, BLOCK)), i % 4 == 0);
            if (i % 4 != 0) v.flush();
            System.out.println("BLOCK " + block + " " + (seed + 7));
            byte[] t = TestData.random(seed + 13, 10_000);
            tape.write(ByteBuffer.wrap(t));
            tape.flush();
            System.out.println("TAPE " + tape.position());
            // a rewrite in place: announced first (it may land or not if the kill comes before its flush)
            int fileLen = 1 + (int) (seed * 104_729 % 40_000);
            long fileAt = seed * 15_485_863 % (FILE_SIZE - fileLen);
            System.out.println("FILE-WRITE " + fileAt + " " + fileLen + " " + (seed + 17));
            System.out.flush();
            file.write(fileAt, ByteBuffer.wrap(TestData.random(seed + 17, fileLen)));
            file.flush();
            System.out.println("FILE-FLUSHED");
            System.out.flush();
        }
    }
}
