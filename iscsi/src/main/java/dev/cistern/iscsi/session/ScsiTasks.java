package dev.cistern.iscsi.session;

import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.pdu.ProtocolException;
import dev.cistern.iscsi.scsi.CheckCondition;
import dev.cistern.iscsi.scsi.LogicalUnit;
import dev.cistern.iscsi.scsi.ScsiRequest;
import dev.cistern.iscsi.scsi.ScsiResponse;
import dev.cistern.iscsi.scsi.ScsiStatus;
import dev.cistern.iscsi.scsi.Sense;
import dev.cistern.iscsi.scsi.sbc.BlockRange;
import dev.cistern.iscsi.scsi.spc.SpcCommands;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SCSI Command PDUs of one connection: gathering write data (immediate, unsolicited, then R2T by R2T),
 * running the command on its logical unit, and answering with Data-In and status, with the residual
 * counts RFC 7143 section 11.4.5 defines (underflow when less was moved than the initiator expected,
 * overflow when the CDB asked for more).
 */
final class ScsiTasks {
    /** Largest Expected Data Transfer Length accepted for a write: bounds one command's buffer. */
    static final int MAX_WRITE_BYTES = BlockRange.MAX_TRANSFER_BYTES + 4096;

    private static final System.Logger LOG = System.getLogger(ScsiTasks.class.getName());

    private final Connection conn;
    private final Map<Integer, WriteTask> pending = new HashMap<>();
    private int nextTtt = 1;
    /** Block reads and writes run on their own virtual threads, in the order {@link TaskOrdering} allows. */
    private final java.util.concurrent.ExecutorService workers =
            java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("iscsi-io-", 0).factory());
    private final TaskOrdering ordering = new TaskOrdering();
    /** Write buffers from command to completion: a write that does not fit is answered TASK SET FULL. */
    private final DataBudget writeData;
    /**
     * Data-In of concurrent reads: a read that does not fit this connection's budget waits (the reader
     * thread with it), one that does not fit the target's is answered TASK SET FULL.
     */
    private final DataBudget readData;
    /** Unsolicited Data-Out that came for commands still queued for their CmdSN, in {@link #writeData}. */
    private final QueuedDataOut queuedData;

    ScsiTasks(Connection conn, CommandMemory memory) {
        this.conn = conn;
        this.writeData = new DataBudget(DataBudget.CONNECTION_LIMIT, memory.writes);
        this.readData = new DataBudget(DataBudget.CONNECTION_LIMIT, memory.reads);
        this.queuedData = new QueuedDataOut(writeData);
    }

    /**
     * A SCSI command taking its CmdSN turn. Data-Out that came for it while it was queued is applied
     * as if it came now; if the command ends before needing it, it is dropped.
     */
    void command(Pdu p) throws IOException, ProtocolException {
        List<QueuedDataOut.Held> early = queuedData.take(p.itt());
        start(p);
        for (QueuedDataOut.Held h : early) dataOut(h.pdu(), h.corrupt());
    }

    private void start(Pdu p) throws IOException {
        int flags = p.flags();
        boolean read = (flags & 0x40) != 0;
        boolean write = (flags & 0x20) != 0;
        long edtl = Integer.toUnsignedLong(p.getInt(20)); // unsigned: 2 GiB and more is no error
        byte[] cdb = cdb(p);
        if (cdb == null) {
            conn.reject(p, Reject.INVALID_PDU_FIELD);
            return;
        }
        if (!write) {
            run(p.itt(), p.lun(), cdb, new byte[0], read, edtl, flags & 0x07, 0);
            return;
        }
        if (edtl > MAX_WRITE_BYTES || pending.containsKey(p.itt())) {
            respond(p.itt(), edtl, false, ScsiResponse.checkCondition(CheckCondition.invalidFieldInCdb().sense()),
                    null);
            return;
        }
        String broken = UnsolicitedData.brokenByCommand(conn.params(), p.data().length, edtl);
        if (broken != null) {
            LOG.log(System.Logger.Level.INFO, "write task 0x{0} ended: {1}", Integer.toHexString(p.itt()), broken);
            respond(p.itt(), edtl, false, UnsolicitedData.unexpected(), conn.luns().get(Lun.decode(p.lun())));
            return;
        }
        if (!writeData.tryTake(CommandMemory.held(edtl))) {
            // the buffer is taken before any data arrives: writes whose Data-Out never comes must not pile up
            respond(p.itt(), edtl, false, ScsiResponse.status(ScsiStatus.TASK_SET_FULL), null);
            return;
        }
        WriteTask t = new WriteTask(p.itt(), p.lun(), cdb, p.getInt(24), read, (int) edtl);
        t.attr = flags & 0x07;
        byte[] imm = p.data();
        System.arraycopy(imm, 0, t.buffer, 0, imm.length);
        t.received = imm.length;
        // with InitialR2T=Yes nothing unsolicited may follow whatever the F bit says: ask for the rest at once
        t.unsolicitedDone = (flags & 0x80) != 0 || conn.params().initialR2T;
        if (t.complete()) {
            run(t);
        } else {
            pending.put(t.itt, t);
            if (t.unsolicitedDone) r2t(t);
        }
    }

    void dataOut(Pdu p) throws IOException, ProtocolException {
        dataOut(p, false);
    }

    /**
     * A Data-Out whose data digest failed (the connection has answered it with a Reject). Its header is
     * sound, so it still counts in the sequence, but its data is not used: once all the command's data
     * came, the command ends in CHECK CONDITION, protocol service CRC error, with nothing written (RFC
     * 7143 section 7.8; ErrorRecoveryLevel 0 has no recovery R2T).
     */
    void corruptDataOut(Pdu p) throws IOException, ProtocolException {
        dataOut(p, true);
    }

    private void dataOut(Pdu p, boolean corrupt) throws IOException, ProtocolException {
        WriteTask t = pending.get(p.itt());
        int ttt = p.getInt(20);
        boolean solicited = ttt != Pdu.NO_TAG;
        if (t == null) {
            if (!solicited && conn.queuedWrite(p.itt())) {
                if (!queuedData.hold(p, corrupt)) {
                    throw new ProtocolException("Data-Out for commands queued ahead of CmdSN "
                            + Integer.toUnsignedString(conn.expCmdSn()) + " holds more data than the target buffers");
                }
            }
            return; // else aborted, or data for a command already refused: nothing waits for it
        }
        int dataSn = p.getInt(36);
        int offset = p.getInt(40);
        int len = p.data().length;
        if (solicited && (!t.r2tOutstanding || ttt != t.ttt)) {
            throw new ProtocolException("Data-Out for task 0x" + Integer.toHexString(t.itt) + " with unknown TTT");
        }
        String broken = solicited ? null : UnsolicitedData.brokenByDataOut(conn.params(), t, len);
        if (broken != null) {
            LOG.log(System.Logger.Level.INFO, "write task 0x{0} ended: {1}", Integer.toHexString(t.itt), broken);
            pending.remove(t.itt);
            writeData.give(t.charge);
            LogicalUnit lu = conn.luns().get(Lun.decode(t.lunField));
            respond(t.itt, t.buffer.length, false, UnsolicitedData.unexpected(), lu);
            return;
        }
        if (dataSn != t.expectedDataSn) {
            // ErrorRecoveryLevel 0 has no way to recover a lost Data-Out: the connection goes
            throw new ProtocolException("Data-Out DataSN " + dataSn + ", expected " + t.expectedDataSn);
        }
        long end = (long) offset + len;
        if (offset < 0 || end > t.buffer.length || offset != t.received
                || solicited && end > (long) t.r2tOffset + t.r2tLength) {
            throw new ProtocolException("Data-Out at offset " + offset + " length " + len + " out of sequence");
        }
        t.expectedDataSn++;
        if (corrupt) t.digestError = true;
        else System.arraycopy(p.data(), 0, t.buffer, offset, len);
        t.received = (int) end;
        if (!p.finalBit()) return;
        t.expectedDataSn = 0;
        if (solicited) t.r2tOutstanding = false;
        else t.unsolicitedDone = true;
        if (t.complete()) {
            pending.remove(t.itt);
            if (t.digestError) {
                writeData.give(t.charge);
                respond(t.itt, t.buffer.length, false, ScsiResponse.checkCondition(
                        new Sense(Sense.ABORTED_COMMAND, 0x47, 0x05)), conn.luns().get(Lun.decode(t.lunField)));
            } else {
                run(t);
            }
        } else if (!t.r2tOutstanding && t.unsolicitedDone) {
            r2t(t);
        }
    }

    private void r2t(WriteTask t) throws IOException {
        int len = Math.min(conn.params().maxBurstLength, t.buffer.length - t.received);
        t.ttt = nextTtt++ & 0x7fffffff;
        t.r2tOffset = t.received;
        t.r2tLength = len;
        t.r2tOutstanding = true;
        t.expectedDataSn = 0;
        Pdu r = Pdu.of(Opcode.R2T).flags(0x80).lun(t.lunField).itt(t.itt).putInt(20, t.ttt);
        r.putInt(36, t.r2tSn++).putInt(40, t.r2tOffset).putInt(44, len);
        conn.send(r, false);
    }

    /** Takes the data of a command queued ahead of its CmdSN from the write budget; false if it does not fit. */
    boolean holdQueued(long bytes) {
        return writeData.tryTake(CommandMemory.held(bytes));
    }

    /** Gives back what {@link #holdQueued} took, when the command leaves the queue. */
    void releaseQueued(long bytes) {
        writeData.give(CommandMemory.held(bytes));
    }

    /** A command queued for its CmdSN was aborted: the Data-Out kept for it goes. */
    void abortQueued(int itt) {
        queuedData.take(itt);
    }

    boolean abort(int itt) {
        WriteTask t = pending.remove(itt);
        if (t == null) return false;
        writeData.give(t.charge);
        return true;
    }

    /** Aborts the writes of logical unit {@code lun} waiting for Data-Out. */
    void abortLun(int lun) {
        pending.values().removeIf(t -> Lun.decode(t.lunField) == lun && released(t));
    }

    void abortAll() {
        pending.values().removeIf(this::released);
    }

    private boolean released(WriteTask t) {
        writeData.give(t.charge);
        return true;
    }

    /** Waits until no command of this connection runs (task management, logout). */
    void drain() {
        try {
            ordering.drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The connection ended: writes still waiting for data give their budget back, running commands stop. */
    void shutdown() {
        abortAll();
        queuedData.clear();
        workers.shutdownNow();
    }

    private void run(WriteTask t) throws IOException {
        run(t.itt, t.lunField, t.cdb, t.buffer, t.readToo, t.buffer.length, t.attr, t.charge);
    }

    /**
     * Runs a command, concurrently when it is a plain block read or write of a SIMPLE task.
     *
     * @param written bytes of {@link #writeData} the command's Data-Out holds, given back once it ran
     */
    private void run(int itt, long lunField, byte[] cdb, byte[] dataOut, boolean read, long edtl, int attr,
                     long written) throws IOException {
        TaskOrdering.Slot slot = attr <= 1 ? slotOf(lunField, cdb) : null;
        long reading = 0;
        try {
            if (slot == null) {
                try {
                    ordering.drain();
                    execute(itt, lunField, cdb, dataOut, read, edtl);
                } finally {
                    writeData.give(written);
                }
                return;
            }
            // even a read of no blocks holds a worker thread until its status is sent, which an initiator
            // not reading its socket can delay for ever
            reading = slot.write() ? 0 : CommandMemory.held(readBytes(slot, cdb));
            if (!readData.take(reading)) {
                writeData.give(written);
                respond(itt, edtl, read, ScsiResponse.status(ScsiStatus.TASK_SET_FULL), null);
                return;
            }
            try {
                ordering.admit(slot);
            } catch (InterruptedException e) {
                readData.give(reading);
                throw e;
            }
        } catch (InterruptedException e) {
            writeData.give(written);
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("connection closing");
        }
        long taken = reading;
        workers.execute(() -> {
            try {
                execute(itt, lunField, cdb, dataOut, read, edtl);
            } catch (IOException e) {
                conn.close(); // the connection is broken; the reader thread sees it and cleans up
            } catch (RuntimeException | LinkageError | StackOverflowError e) {
                // as the reader thread does with a failure: say so and end the connection (an Error, unlike an
                // exception, left the command unanswered on an open connection)
                LOG.log(System.Logger.Level.WARNING, "iSCSI task 0x" + Integer.toHexString(itt) + " failed", e);
                conn.close();
            } finally {
                ordering.done(slot);
                readData.give(taken);
                writeData.give(written);
            }
        });
    }

    /** The buffer a READ/VERIFY-family command will fill: its blocks, up to the largest transfer accepted. */
    private long readBytes(TaskOrdering.Slot slot, byte[] cdb) {
        LogicalUnit lu = conn.luns().get(slot.lun());
        long blocks = BlockRange.of(cdb).blocks();
        if (blocks <= 0) return 0;
        return Math.min(blocks * lu.blockSize(), BlockRange.MAX_TRANSFER_BYTES); // < 2^32 blocks: no overflow
    }

    /**
     * The blocks a READ/WRITE/VERIFY-family command to a disk touches, or null for anything else (a
     * barrier). Only disks: the same opcodes mean other things to other device types (a tape drive's
     * READ(6) and WRITE(6) move along the tape and must run one after the other).
     */
    private TaskOrdering.Slot slotOf(long lunField, byte[] cdb) {
        int lun = Lun.decode(lunField);
        LogicalUnit lu = conn.luns().get(lun);
        if (lu == null || lu.volume() == null) return null;
        boolean write;
        switch (cdb[0] & 0xff) {
            case 0x08, 0x28, 0xa8, 0x88, 0x2f, 0xaf, 0x8f -> write = false;
            case 0x0a, 0x2a, 0xaa, 0x8a, 0x2e, 0xae, 0x8e -> write = true;
            default -> {
                return null;
            }
        }
        BlockRange r = BlockRange.of(cdb);
        // a range that wraps or is absurd is refused by the handler; order it against everything
        long end = r.lba() + Math.max(1, r.blocks());
        if (r.lba() < 0 || end < r.lba()) return new TaskOrdering.Slot(lun, 0, Long.MAX_VALUE, true);
        return new TaskOrdering.Slot(lun, r.lba(), end, write);
    }

    private void execute(int itt, long lunField, byte[] cdb, byte[] dataOut, boolean read, long edtl)
            throws IOException {
        int lun = Lun.decode(lunField);
        LogicalUnit lu = conn.luns().get(lun);
        int[] all = conn.luns().keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        int allocation = read ? (int) Math.min(edtl, Integer.MAX_VALUE) : 0;
        ScsiRequest req = new ScsiRequest(cdb, dataOut, allocation, conn.nexus(), all);
        ScsiResponse resp;
        if (lu != null) {
            resp = lu.execute(req);
        } else {
            resp = noSuchLun(req);
        }
        respond(itt, edtl, read, resp, lu);
    }

    /** Commands addressed to a LUN that does not exist (SPC-4 4.4.2). */
    private static ScsiResponse noSuchLun(ScsiRequest req) {
        int op = req.opcode();
        try {
            if (op == 0xa0) return SpcCommands.reportLuns(req);
            if (op == 0x12) {
                byte[] inq = new byte[36];
                inq[0] = 0x7f; // peripheral qualifier 011b: no unit at this LUN
                inq[2] = 0x06;
                inq[3] = 0x12;
                inq[4] = 31;
                return ScsiResponse.data(inq, ((req.cdb()[3] & 0xff) << 8) | (req.cdb()[4] & 0xff));
            }
            if (op == 0x03) {
                return ScsiResponse.data(new Sense(Sense.ILLEGAL_REQUEST, 0x25, 0).encode(false), req.cdb()[4] & 0xff);
            }
            return ScsiResponse.checkCondition(new Sense(Sense.ILLEGAL_REQUEST, 0x25, 0x00));
        } catch (CheckCondition cc) {
            return ScsiResponse.checkCondition(cc.sense());
        }
    }

    private void respond(int itt, long edtl, boolean read, ScsiResponse resp, LogicalUnit lu) throws IOException {
        byte[] data = resp.dataIn();
        boolean good = resp.status() == ScsiStatus.GOOD || resp.status() == ScsiStatus.CONDITION_MET;
        int residualFlags = 0;
        int residual = 0;
        long moved;
        if (read && data.length > 0) {
            moved = data.length;
        } else if (resp.dataOutWanted() >= 0) {
            moved = resp.dataOutWanted();
        } else {
            moved = 0;
        }
        if (moved < edtl) {
            residualFlags = 0x02;
            residual = (int) (edtl - moved); // both below 2^32: the unsigned 32-bit field
        } else if (moved > edtl) {
            residualFlags = 0x04;
            residual = (int) Math.min(moved - edtl, Integer.MAX_VALUE);
        }
        if (read && good && data.length > 0 && edtl > 0) {
            sendDataIn(itt, data, (int) Math.min(data.length, edtl), resp.status(), residualFlags, residual);
            return;
        }
        if (read && data.length > 0 && edtl > 0) {
            // data with CHECK CONDITION (a tape READ meeting a filemark or a short block): Data-In without
            // status, then the SCSI Response carrying the sense (RFC 7143 11.7.4)
            sendDataIn(itt, data, (int) Math.min(data.length, edtl), -1, 0, 0);
        }
        Pdu r = Pdu.of(Opcode.SCSI_RESPONSE).flags(0x80 | residualFlags).itt(itt);
        r.putByte(3, resp.status());
        r.putInt(44, residual);
        if (resp.sense() != null) {
            byte[] s = lu != null ? lu.encodeSense(resp.sense()) : resp.sense().encode(false);
            byte[] seg = new byte[2 + s.length];
            seg[0] = (byte) (s.length >>> 8);
            seg[1] = (byte) s.length;
            System.arraycopy(s, 0, seg, 2, s.length);
            r.data(seg);
        }
        conn.send(r, true);
    }

    /**
     * Data-In PDUs of at most the initiator's MaxRecvDataSegmentLength, status in the last (phase collapse);
     * {@code status} -1 sends no status (a SCSI Response follows).
     */
    private void sendDataIn(int itt, byte[] data, int total, int status, int residualFlags, int residual)
            throws IOException {
        int max = conn.params().initiatorMaxRecvDataSegment;
        int dataSn = 0;
        for (int off = 0; off < total; off += max) {
            int n = Math.min(max, total - off);
            boolean last = off + n >= total;
            Pdu d = Pdu.of(Opcode.DATA_IN).itt(itt).putInt(20, Pdu.NO_TAG);
            d.putInt(36, dataSn++).putInt(40, off);
            d.data(off == 0 && n == data.length ? data : Arrays.copyOfRange(data, off, off + n));
            if (last && status >= 0) {
                d.flags(0x80 | 0x01 | residualFlags);
                d.putByte(3, status);
                d.putInt(44, residual);
                conn.send(d, true);
            } else {
                if (last) d.flags(0x80); // final Data-In of the command; the status comes in a SCSI Response
                conn.sendNoStatus(d);
            }
        }
    }

    /** The CDB: 16 bytes from the header, extended by an Extended CDB AHS (type 1) when present. */
    private static byte[] cdb(Pdu p) {
        byte[] cdb = p.range(32, 16);
        byte[] ahs = p.ahs();
        int pos = 0;
        while (pos + 3 <= ahs.length) {
            int len = ((ahs[pos] & 0xff) << 8) | (ahs[pos + 1] & 0xff);
            int type = ahs[pos + 2] & 0xff;
            if (pos + 3 + len > ahs.length) return null;
            if (type == 1 && len > 1) {
                byte[] ext = new byte[16 + len - 1];
                System.arraycopy(cdb, 0, ext, 0, 16);
                System.arraycopy(ahs, pos + 4, ext, 16, len - 1);
                cdb = ext;
            }
            pos += (3 + len + 3) & ~3;
        }
        return cdb;
    }
}
