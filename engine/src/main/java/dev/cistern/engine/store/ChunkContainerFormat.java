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

    /** Result of scanning a container file. {@code validEnd} is where the last intact record ends. */
    public record Scan(boolean headerOk, boolean sealed, long validEnd, List<TrailerEntry> records,
                       List<Integer> damagedOffsets) {
    }

    /**
     * Reads every record of a container file, checking each checksum. For sealed files the record area
     * ends at the trailer; damaged records there are reported and skipped by their stated length. For
     * unsealed files the scan stops at the first torn record.
     */
    public static Scan scan(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < HEADER) { // killed between creating the file and writing its header
            return new Scan(false, false, 0, List.of(), List.of());
        }
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        readFully(ch, h, 0);
        byte[] magic = new byte[8];
        h.flip().get(magic);
        if (size < HEADER || !java.util.Arrays.equals(magic, MAGIC) || h.getShort() != VERSION) {
            return new Scan(false, false, 0, List.of(), List.of());
        }
        long end = size;
        boolean sealed = false;
        if (size >= HEADER + TRAILER_TAIL) {
            ByteBuffer tail = ByteBuffer.allocate(16);
            readFully(ch, tail, size - 16);
            tail.flip();
            long trailerOffset = tail.getLong();
            byte[] em = new byte[8];
            tail.get(em);
            if (java.util.Arrays.equals(em, END_MAGIC) && trailerOffset >= HEADER && trailerOffset < size) {
                sealed = true;
                end = trailerOffset;
            }
        }
        List<TrailerEntry> records = new ArrayList<>();
        List<Integer> damaged = new ArrayList<>();
        long pos = HEADER;
        ByteBuffer hdr = ByteBuffer.allocate(ChunkRecord.HEADER);
        while (pos + ChunkRecord.HEADER <= end) {
            hdr.clear();
            readFully(ch, hdr, pos);
            byte[] hb = hdr.array();
            int payload = ChunkRecord.payloadLength(hb, 0);
            int raw = ChunkRecord.rawLength(hb, 0);
            if (payload < 0 || raw < 0 || raw > (1 << 26) || pos + ChunkRecord.HEADER + payload > end) {
                if (sealed) damaged.add((int) pos);
                break;
            }
            byte[] rec = new byte[ChunkRecord.HEADER + payload];
            readFully(ch, ByteBuffer.wrap(rec), pos);
            if (!ChunkRecord.checksumOk(rec, 0, rec.length) || !ChunkRecord.consistent(rec, 0)) {
                if (!sealed) break;
                damaged.add((int) pos);
            } else {
                records.addAll(entries(rec, (int) pos));
            }
            pos += rec.length;
        }
        return new Scan(true, sealed, sealed ? end : pos, records, damaged);
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
