package dev.cistern.engine.store;

import dev.cistern.engine.chunking.Fingerprint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Header and trailer of container files, and scanning of their records (layout in {@code package-info}). */
public final class ChunkContainerFormat {
    public static final int HEADER = 32;
    static final byte[] MAGIC = "CISTERNC".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END_MAGIC = "CISTEND1".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 2;
    private static final int TRAILER_ENTRY = 48;
    private static final int TRAILER_TAIL = 4 + 4 + 8 + 8;

    private ChunkContainerFormat() {
    }

    static ByteBuffer header(long groupId, long id) {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(0).putLong(groupId).putLong(id);
        return h.flip();
    }

    static ByteBuffer trailer(List<TrailerEntry> entries, long trailerOffset) {
        ByteBuffer t = ByteBuffer.allocate(entries.size() * TRAILER_ENTRY + TRAILER_TAIL);
        for (TrailerEntry e : entries) {
            t.put(e.fingerprint().bytes()).putInt(e.offset()).putInt(e.payloadLength()).putInt(e.rawLength())
                    .putInt(e.rawOffset());
        }
        t.putInt(entries.size());
        int crc = ChunkRecord.crc(t.array(), 0, t.position());
        t.putInt(crc).putLong(trailerOffset).put(END_MAGIC);
        return t.flip();
    }

    /**
     * Result of scanning a container file: {@code validEnd} is where the chain of intact records from the
     * header ends, and {@code sealed} says a whole trailer follows it there.
     */
    public record Scan(boolean headerOk, boolean sealed, long validEnd, List<TrailerEntry> records) {
    }

    /**
     * Walks the records of a container file from its header, checking each checksum, up to the first
     * torn or damaged one; the file is sealed only if a trailer that lists exactly those records, with its
     * checksum, length and offset right, fills the rest. The end of the file alone proves nothing: a
     * record stored raw ends with a user's bytes, which may look like a trailer's last 16 (a backup of a
     * container file does), and a trailer can reach the disk before records written just ahead of it.
     */
    public static Scan scan(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < HEADER) { // killed between creating the file and writing its header
            return new Scan(false, false, 0, List.of());
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        readFully(ch, h, 0);
        byte[] magic = new byte[8];
        h.flip().get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC) || h.getShort() != VERSION) {
            return new Scan(false, false, 0, List.of());
        }
        List<TrailerEntry> records = new ArrayList<>();
        long pos = HEADER;
        ByteBuffer hdr = ByteBuffer.allocate(ChunkRecord.HEADER);
        while (pos + ChunkRecord.HEADER <= size) {
            hdr.clear();
            readFully(ch, hdr, pos);
            byte[] hb = hdr.array();
            int payload = ChunkRecord.payloadLength(hb, 0);
            int raw = ChunkRecord.rawLength(hb, 0);
            if (payload < 0 || raw < 0 || raw > (1 << 26) || pos + ChunkRecord.HEADER + payload > size) break;
            byte[] rec = new byte[ChunkRecord.HEADER + payload];
            readFully(ch, ByteBuffer.wrap(rec), pos);
            if (!ChunkRecord.checksumOk(rec, 0, rec.length) || !ChunkRecord.consistent(rec, 0)) break;
            records.addAll(entries(rec, (int) pos));
            pos += rec.length;
        }
        return new Scan(true, isTrailer(ch, pos, size, records), pos, records);
    }

    /** Whether {@code [at, size)} of the file is the trailer of {@code records}, intact. */
    private static boolean isTrailer(FileChannel ch, long at, long size, List<TrailerEntry> records) throws IOException {
        long expected = (long) records.size() * TRAILER_ENTRY + TRAILER_TAIL;
        if (size - at != expected) return false;
        ByteBuffer t = ByteBuffer.allocate((int) expected);
        readFully(ch, t, at);
        return !t.hasRemaining() && t.flip().equals(trailer(records, at));
    }

    /** The trailer entries of the chunks of one record (checksum already checked) at {@code offset}. */
    static List<TrailerEntry> entries(byte[] rec, int offset) {
        int n = ChunkRecord.chunkCount(rec, 0);
        List<TrailerEntry> out = new ArrayList<>(n);
        int rawOffset = 0;
        for (int k = 0; k < n; k++) {
            int raw = ChunkRecord.chunkRawLength(rec, 0, k);
            out.add(new TrailerEntry(ChunkRecord.chunkFingerprint(rec, 0, k), offset, rec.length - ChunkRecord.HEADER, raw, rawOffset));
            rawOffset += raw;
        }
        return out;
    }

    static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) break;
        }
    }
}
