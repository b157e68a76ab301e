package dev.cistern.vtl.media;

import dev.cistern.engine.ContainerHandle;
import dev.cistern.engine.EngineException;
import dev.cistern.engine.FileEntry;
import dev.cistern.engine.StreamWriter;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The contents of a mounted cartridge: a sequence of logical objects (blocks and filemarks) ending at
 * end of data, kept in three engine streams (see {@link TapeFormat}).
 *
 * <p><b>Crash consistency.</b> Invariants on what is durable: (1) every object in the object index lies
 * inside the durable data stream, (2) every filemark in the object index has its entry in the marks
 * list. They hold because {@link #flush} makes the data durable first, then the marks, then the objects;
 * because the marks of filemarks are durable before their object records are appended (the engine's
 * auto-flush may publish an appended stream at any time, and at any byte); and because an overwrite in
 * the middle truncates the objects first, then the marks, then the data. {@link #open} repairs what a
 * kill can leave beyond the invariants: objects past the durable data, data past the last indexed
 * object, marks past end of data and partial records at the end of either index are cut off. So after a
 * crash the tape reads back exactly up to the last flush (at the latest the last WRITE FILEMARKS), and
 * never returns bytes that were not written as a block. Not safe for concurrent use: the owning drive
 * serializes commands.
 *
 * <p><b>Acknowledged objects.</b> The drive says which objects it reported written ({@link #acknowledge}),
 * and in which {@link Unit} the command that wrote them counted them (a WRITE's FIXED bit); when going
 * back to the durable point drops some of those, the medium keeps the {@link Loss}, counted in those
 * units, until the drive takes it ({@link #takeLoss}) to report it as a deferred error (SSC-3): the
 * objects of the command that saw the failure are not counted, that command reports its own failure.
 * The unit is fixed when the objects are acknowledged, so a block size changed between the WRITE and
 * the failure does not change what the loss counts.
 */
public final class TapeMedium implements AutoCloseable {
    private final ContainerHandle container;
    private final Cartridge cartridge;
    private final RecordFile objects;
    private final RecordFile marks;
    private final FileEntry data;
    private final ReadAhead readAhead;
    private StreamWriter dataWriter;
    /** Bytes of payload including unflushed ones. */
    private long dataEnd;
    private boolean dirty;
    /** End of the objects, and of their payload, that the drive reported written. */
    private long acknowledgedObjects;
    private long acknowledgedBytes;
    /**
     * The acknowledged objects that may not be durable yet (since the last flush), in the order written,
     * each run with the unit its commands counted in; adjacent runs of one unit are merged, so there are
     * as many as block mode changes between two flushes.
     */
    private final ArrayDeque<Acknowledged> unflushed = new ArrayDeque<>();
    private Loss loss;

    /** What the command that wrote some objects counted them in, and so what a loss of them counts. */
    public enum Unit {
        /** Objects: blocks of a fixed-block WRITE, filemarks. */
        OBJECTS,
        /** Payload bytes: blocks of a variable-block WRITE. */
        BYTES
    }

    /** Objects {@code [fromObject, toObject)}, payload bytes {@code [fromByte, toByte)}, acknowledged in {@code unit}. */
    private record Acknowledged(long fromObject, long toObject, long fromByte, long toByte, Unit unit) {
    }

    /**
     * What a failure of the engine dropped of the acknowledged objects: {@code objects} lost that were
     * acknowledged as {@link Unit#OBJECTS}, {@code bytes} lost of those acknowledged as {@link Unit#BYTES};
     * and the first failure that dropped some.
     */
    public record Loss(long objects, long bytes, EngineException cause) {
    }

    private TapeMedium(ContainerHandle container, Cartridge cartridge) {
        this.container = container;
        this.cartridge = cartridge;
        this.objects = new RecordFile(container, TapeFormat.objects(cartridge.barcode()), TapeFormat.OBJECT_BYTES);
        this.marks = new RecordFile(container, TapeFormat.marks(cartridge.barcode()), TapeFormat.MARK_BYTES);
        this.data = container.openOrCreateFile(TapeFormat.data(cartridge.barcode()));
        this.readAhead = new ReadAhead(container.openFile(TapeFormat.data(cartridge.barcode())));
    }

    static TapeMedium open(ContainerHandle container, Cartridge cartridge) {
        TapeMedium m = new TapeMedium(container, cartridge);
        m.recover();
        m.acknowledge(); // all of it is durable
        return m;
    }

    private void recover() {
        long dataSize = data.size();
        long n = objects.count();
        long end = 0;
        while (n > 0) {
            ObjectRecord last = object(n - 1);
            if (last.end() <= dataSize) {
                end = last.end();
                break;
            }
            n--;
        }
        if (n < objects.count()) objects.truncate(n);
        else objects.dropPartialRecord();
        long keepMarks = marks.lowerBound(n);
        if (keepMarks < marks.count()) marks.truncate(keepMarks);
        else marks.dropPartialRecord();
        if (dataSize > end) {
            data.truncate(end);
            data.flush();
        }
        dataEnd = end;
        acknowledgedObjects = Math.min(acknowledgedObjects, n);
        acknowledgedBytes = Math.min(acknowledgedBytes, end);
        cutUnflushed(n, end);
    }

    /** Forgets the acknowledged runs at and after object {@code n} (payload byte {@code end}): gone or cut. */
    private void cutUnflushed(long n, long end) {
        while (!unflushed.isEmpty() && unflushed.peekLast().toObject() > n) {
            Acknowledged a = unflushed.pollLast();
            if (a.fromObject() < n) {
                unflushed.addLast(new Acknowledged(a.fromObject(), n, a.fromByte(), Math.min(a.toByte(), end), a.unit()));
                break;
            }
        }
    }

    public Cartridge cartridge() {
        return cartridge;
    }

    /** Number of logical objects: the logical object identifier of end of data. */
    public long endOfData() {
        return objects.count();
    }

    /** Payload bytes on the tape, flushed or not. */
    public long usedBytes() {
        return dataEnd;
    }

    /**
     * Payload bytes before object {@code n} (0 <= n <= endOfData): what stays on the tape when it is cut
     * at {@code n}, so where a write at {@code n} starts.
     */
    public long bytesBefore(long n) {
        return n >= objects.count() ? dataEnd : object(n).offset();
    }

    public long filemarkCount() {
        return marks.count();
    }

    /** Object {@code n} (0 <= n < endOfData). */
    public ObjectRecord object(long n) {
        settle();
        byte[] b = new byte[TapeFormat.OBJECT_BYTES];
        objects.read(n, b, 0);
        return ObjectRecord.decode(b);
    }

    /**
     * Reads up to {@code len} bytes of block {@code r} (object {@code n}) into {@code dst}; returns bytes
     * read. Sequential reads are served from the read-ahead, which then moves on.
     */
    public int readBlock(long n, ObjectRecord r, byte[] dst, int off, int len) {
        settle();
        int want = Math.min(len, r.length());
        byte[] ahead = readAhead.take(r);
        int got;
        if (ahead != null) {
            System.arraycopy(ahead, 0, dst, off, want);
            got = want;
        } else {
            ByteBuffer b = ByteBuffer.wrap(dst, off, want);
            long at = r.offset();
            while (b.hasRemaining()) {
                int k = data.read(at, b);
                if (k <= 0) break;
                at += k;
            }
            got = b.position() - off;
        }
        readAhead.after(n, this);
        return got;
    }

    /** Appends a block at end of data. */
    public void appendBlock(byte[] src, int off, int len) {
        readAhead.discard();
        try {
            if (dataWriter == null) dataWriter = container.append(TapeFormat.data(cartridge.barcode()));
            dataWriter.write(src, off, len);
            objects.append(new ObjectRecord(dataEnd, len, false).encode());
        } catch (EngineException e) {
            throw backToDurable(e);
        }
        dataEnd += len;
        dirty = true;
    }

    /**
     * After the engine failed to store something written (no space, the quota, an I/O error): what was
     * not yet durable may be lost in part, so the tape goes back to what is, as after a crash (see
     * {@link #recover}); writing can go on from its end of data. Returns {@code e} to throw.
     */
    private EngineException backToDurable(EngineException e) {
        readAhead.discard();
        List<Acknowledged> before = List.copyOf(unflushed);
        try {
            if (dataWriter != null) {
                StreamWriter w = dataWriter;
                dataWriter = null;
                w.abort();
            }
            objects.discardUnpublished();
            marks.discardUnpublished();
            dirty = false;
            recover();
        } catch (RuntimeException again) {
            e.addSuppressed(again);
        }
        countLoss(before, e);
        return e;
    }

    /** The drive reported everything appended so far as written, filemarks or blocks it counts as objects. */
    public void acknowledge() {
        acknowledge(Unit.OBJECTS);
    }

    /** The drive reported everything appended so far as written, by a command that counted in {@code unit}. */
    public void acknowledge(Unit unit) {
        long to = objects.count();
        if (to > acknowledgedObjects) {
            Acknowledged last = unflushed.peekLast();
            if (last != null && last.unit() == unit && last.toObject() == acknowledgedObjects) {
                unflushed.pollLast();
                unflushed.addLast(new Acknowledged(last.fromObject(), to, last.fromByte(), dataEnd, unit));
            } else {
                unflushed.addLast(new Acknowledged(acknowledgedObjects, to, acknowledgedBytes, dataEnd, unit));
            }
        }
        acknowledgedObjects = to;
        acknowledgedBytes = dataEnd;
    }

    /**
     * Adds to the loss what of the acknowledged runs {@code before} lies past the durable point the tape
     * went back to, each run in its unit.
     */
    private void countLoss(List<Acknowledged> before, EngineException cause) {
        long n = objects.count();
        long lostObjects = 0;
        long lostBytes = 0;
        boolean lost = false;
        for (Acknowledged a : before) {
            long objectsPast = a.toObject() - Math.max(a.fromObject(), n);
            if (objectsPast <= 0) continue;
            lost = true;
            if (a.unit() == Unit.OBJECTS) lostObjects += objectsPast;
            else lostBytes += a.toByte() - Math.max(a.fromByte(), dataEnd);
        }
        if (!lost) return;
        loss = loss == null ? new Loss(lostObjects, lostBytes, cause)
                : new Loss(loss.objects + lostObjects, loss.bytes + lostBytes, loss.cause);
    }

    /** Acknowledged objects dropped since the last call, or null: reported once, then forgotten. */
    public Loss takeLoss() {
        Loss l = loss;
        loss = null;
        return l;
    }

    /**
     * Appends {@code count} filemarks at end of data; the caller flushes (see the class invariants). The
     * marks are appended and made durable before the first object record of a filemark is appended: the
     * engine publishes an appended stream on its own every {@code autoFlushBytes}, and a large count
     * (or many blocks before it) would otherwise let it publish filemark records whose marks are not.
     */
    public void appendFilemarks(long count) {
        if (count <= 0) return;
        readAhead.discard();
        long first = objects.count();
        try {
            for (long i = 0; i < count; i++) marks.append(ByteBuffer.allocate(8).putLong(first + i).array());
            marks.flush();
            byte[] record = new ObjectRecord(dataEnd, 0, true).encode();
            for (long i = 0; i < count; i++) objects.append(record);
        } catch (EngineException e) {
            throw backToDurable(e);
        }
        dirty = true;
    }

    /** Makes everything appended durable and readable: data, then marks, then objects. */
    public void flush() {
        if (dirty) {
            try {
                if (dataWriter != null) dataWriter.flush();
                marks.flush();
                objects.flush();
            } catch (EngineException e) {
                throw backToDurable(e);
            }
            dirty = false;
        }
        unflushed.clear(); // every acknowledged object is durable: none can be lost any more
    }

    private void settle() {
        if (dirty) flush();
    }

    /** Cuts the tape after object {@code n}-1, durably (objects, then marks, then data). */
    public void truncate(long n) {
        if (n >= objects.count()) return;
        readAhead.discard();
        settle();
        long end = n == 0 ? 0 : object(n - 1).end();
        // cut on purpose, not lost: lowered before cutting, so a failure half-way counts no loss for them
        acknowledgedObjects = Math.min(acknowledgedObjects, n);
        acknowledgedBytes = Math.min(acknowledgedBytes, end);
        cutUnflushed(n, end);
        try {
            if (dataWriter != null) {
                StreamWriter w = dataWriter;
                dataWriter = null;
                w.close();
            }
            objects.truncate(n);
            long keep = marks.lowerBound(n);
            if (keep < marks.count()) marks.truncate(keep);
            data.truncate(end);
            data.flush();
        } catch (EngineException e) {
            throw backToDurable(e);
        }
        dataEnd = end;
    }

    /** Object number of the first filemark at or after {@code from}, or -1. */
    public long nextMark(long from) {
        settle();
        long i = marks.lowerBound(from);
        return i < marks.count() ? marks.readLong(i) : -1;
    }

    /** Object number of the last filemark before {@code before}, or -1. */
    public long previousMark(long before) {
        settle();
        long i = marks.lowerBound(before);
        return i > 0 ? marks.readLong(i - 1) : -1;
    }

    /** Filemarks before object {@code n}: the file number at {@code n}. */
    public long marksBefore(long n) {
        if (n >= objects.count()) return marks.count();
        settle();
        return marks.lowerBound(n);
    }

    /** Object number of filemark number {@code k} (0-based), or -1 when there are fewer. */
    public long markNumber(long k) {
        settle();
        return k >= 0 && k < marks.count() ? marks.readLong(k) : -1;
    }

    @Override
    public void close() {
        flush();
        if (dataWriter != null) dataWriter.close();
        readAhead.close();
        objects.close();
        marks.close();
        data.close();
    }
}
