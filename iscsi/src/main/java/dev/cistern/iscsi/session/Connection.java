package dev.cistern.iscsi.session;

import dev.cistern.iscsi.SessionInfo;
import dev.cistern.iscsi.TargetCatalog;
import dev.cistern.iscsi.TargetDefinition;
import dev.cistern.iscsi.login.LoginHandler;
import dev.cistern.iscsi.login.SessionParams;
import dev.cistern.iscsi.pdu.DataDigestException;
import dev.cistern.iscsi.pdu.DigestSettings;
import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.OversizedSegmentException;
import dev.cistern.iscsi.pdu.Pdu;
import dev.cistern.iscsi.pdu.PduReader;
import dev.cistern.iscsi.pdu.PduWriter;
import dev.cistern.iscsi.pdu.ProtocolException;
import dev.cistern.iscsi.scsi.ItNexus;
import dev.cistern.iscsi.scsi.LogicalUnit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One iSCSI connection, and with MaxConnections=1 its session: the login phase, then the full feature
 * phase loop on one (virtual) thread with blocking I/O. Non-immediate PDUs go through the CmdSN window
 * (RFC 7143 section 4.2.2.1): in order they run, ahead of order they wait, outside the window they are
 * silently dropped. Anything that breaks framing closes this connection only.
 */
public final class Connection implements Runnable {
    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    /** Stands in the CmdSN queue for a command aborted before its turn. */
    private static final Pdu ABORTED = Pdu.of(Opcode.NOP_OUT);
    /** Read buffer of a logged-in connection: batches small PDUs (commands, headers); data goes around it. */
    private static final int FULL_FEATURE_BUFFER = 16 * 1024;

    private final Socket socket;
    private final TargetCatalog catalog;
    private final SessionRegistry registry;
    private final TargetLuns targetLuns;
    private final DigestSettings digests = new DigestSettings();
    private final TreeMap<Integer, Pdu> waiting = new TreeMap<>(Integer::compareUnsigned);
    /**
     * By LUN (-1: every LUN), the CmdSN of an immediate ABORT TASK SET, CLEAR TASK SET or reset that
     * answered while ExpCmdSN was still behind it: a command numbered before it that arrives only now
     * (filling a CmdSN hole) belongs to the aborted task set and must not run. An entry goes once
     * ExpCmdSN reaches its CmdSN: no command before it can arrive any more (it would be out of window).
     */
    private final Map<Integer, Integer> abortedBefore = new java.util.HashMap<>();
    /**
     * Units another session reset (LOGICAL UNIT RESET, TARGET WARM RESET): this connection's tasks for
     * them are aborted by its reader thread before it handles its next PDU, the only thread that touches
     * them. A set, so resets repeated while this connection reads nothing cannot pile up.
     */
    private final java.util.Set<LogicalUnit> resetElsewhere = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private PduWriter writer;
    private volatile SessionInfo info;
    private volatile boolean closing;
    private final Keepalive keepalive;
    private final CommandMemory memory;
    private final java.time.Duration loginTimeout;
    private final ScheduledExecutorService loginTimer;
    /**
     * Set once, by whichever comes first: the login completing (its last response written) or the login
     * timer. One atomic step, so a connection in full feature phase is never closed by a timer that found
     * it still logging in, and the timer still ends a last response stuck on a client that does not read.
     */
    private final java.util.concurrent.atomic.AtomicBoolean loginOver = new java.util.concurrent.atomic.AtomicBoolean();
    /** The TSIH the login allocated (0: none yet), released when this connection ends. */
    private int tsih;
    private SessionParams params;
    private TargetDefinition target;
    private ItNexus nexus;
    private Map<Integer, LogicalUnit> luns = Map.of();
    private ScsiTasks tasks;
    private TaskManagement taskManagement;
    private TextExchange text;
    private int statSn;
    private int expCmdSn;

    /**
     * @param keepaliveIdle silence after which the target pings the initiator with a NOP-In
     * @param memory        the target's budgets for command data, shared by all its connections
     * @param loginTimeout  how long the whole login phase may take, from now
     * @param loginTimer    runs the check closing this connection if it is still in login then
     */
    public Connection(Socket socket, TargetCatalog catalog, SessionRegistry registry, TargetLuns targetLuns,
                      java.time.Duration keepaliveIdle, CommandMemory memory, java.time.Duration loginTimeout,
                      ScheduledExecutorService loginTimer) {
        this.memory = memory;
        this.loginTimeout = loginTimeout;
        this.loginTimer = loginTimer;
        this.keepalive = new Keepalive(this, keepaliveIdle);
        this.socket = socket;
        this.catalog = catalog;
        this.registry = registry;
        this.targetLuns = targetLuns;
    }

    public SessionInfo info() {
        return info;
    }

    @Override
    public void run() {
        try {
            socket.setTcpNoDelay(true);
            // no buffer before login: anyone can open connections, and an idle one must cost next to nothing
            // (with 256 KiB each, ~3000 idle connections ran a 1 GiB server out of heap). Login PDUs are few.
            writer = new PduWriter(socket.getOutputStream(), digests);
            if (!timedLogin()) return;
            keepalive.start();
            // reads of a data segment at least this big bypass the buffer, straight into the PDU's array
            var in = new BufferedInputStream(socket.getInputStream(), FULL_FEATURE_BUFFER);
            fullFeature(new PduReader(in, digests));
        } catch (ProtocolException e) {
            LOG.log(System.Logger.Level.INFO, "closing iSCSI connection from {0}: {1}", remote(), e.getMessage());
        } catch (IOException e) {
            if (!closing) LOG.log(System.Logger.Level.DEBUG, "iSCSI connection from {0} ended: {1}", remote(), e);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
            // errors too: uncaught, they went to stderr only, past the server's log
            LOG.log(System.Logger.Level.WARNING, "iSCSI connection from " + remote() + " failed", e);
        } finally {
            if (tsih != 0) registry.release(this, tsih);
            if (tasks != null) {
                for (Pdu queued : waiting.values()) if (queued != ABORTED) tasks.releaseQueued(queued.data().length);
                tasks.shutdown();
            }
            if (nexus != null) luns.values().forEach(lu -> lu.detach(nexus));
            close();
        }
    }

    /**
     * The login phase under one deadline for all of it. A socket read timeout would start again with
     * every read, so a client sending a login PDU (or a byte) now and then could stay in login for ever;
     * closing the socket also ends a login stuck writing to a client that does not read.
     */
    private boolean timedLogin() throws IOException, ProtocolException {
        Future<?> deadline = loginTimer.schedule(() -> {
            if (!loginOver.compareAndSet(false, true)) return;
            LOG.log(System.Logger.Level.INFO, "closing iSCSI connection from {0}: not logged in after {1} s",
                    remote(), loginTimeout.toSeconds());
            close();
        }, loginTimeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            return login(new PduReader(socket.getInputStream(), digests));
        } finally {
            loginOver.set(true);
            deadline.cancel(false);
        }
    }

    private boolean login(PduReader reader) throws IOException, ProtocolException {
        LoginHandler login = new LoginHandler(catalog, registry::allocateTsih);
        while (true) {
            Pdu req;
            try {
                req = reader.read();
            } catch (DataDigestException e) {
                return false; // digests are off during login; cannot happen
            } catch (OversizedSegmentException e) {
                // RFC 7143: over 8192 bytes is a protocol error of the initiator, answered as such before
                // closing. The data is read first (within the login deadline): closing on unread data
                // resets the connection, which can destroy the answer before the initiator reads it
                socket.getInputStream().skipNBytes(e.declaredLength() + 3 & ~3);
                writer.write(login.refuse(e.header(), dev.cistern.iscsi.login.LoginStatus.INITIATOR_ERROR));
                throw e;
            }
            if (req == null) return false;
            Pdu resp = login.handle(req);
            if (login.complete()) {
                tsih = login.tsih(); // released when this connection ends, whatever happens next
                // set up and register before answering, so the session is listed once the initiator sees it
                enterFullFeature(login);
                writer.write(resp);
                // the deadline came first (this answer was late): it closes the connection, nothing is served
                if (!loginOver.compareAndSet(false, true)) return false;
                digests.set(params.headerDigest, params.dataDigest);
                return true;
            }
            writer.write(resp);
            if (login.failed()) return false;
        }
    }

    private void enterFullFeature(LoginHandler login) {
        params = login.params();
        digests.maxRecvDataSegment(SessionParams.TARGET_MAX_RECV_DATA_SEGMENT);
        statSn = login.nextStatSn();
        expCmdSn = login.expCmdSn();
        target = login.target();
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        info = new SessionInfo(login.initiatorName(), target == null ? "" : target.iqn(), remote, login.isidHex(),
                login.tsih(), login.discovery());
        if (target != null) {
            nexus = new ItNexus(login.initiatorName(), login.isidHex(), target.iqn());
            luns = targetLuns.refresh(target);
            luns.values().forEach(lu -> lu.attach(nexus));
        }
        tasks = new ScsiTasks(this, memory);
        taskManagement = new TaskManagement(this);
        SessionInfo session = info;
        text = new TextExchange(request -> Discovery.answer(request, catalog, session, socket.getLocalSocketAddress()));
        registry.register(this);
    }

    private void fullFeature(PduReader reader) throws IOException, ProtocolException {
        while (!closing) {
            Pdu p;
            try {
                p = reader.read();
            } catch (DataDigestException e) {
                abortTasksOfUnitsResetElsewhere();
                reject(e.pdu(), Reject.DATA_DIGEST_ERROR);
                keepalive.received(e.pdu());
                if (e.pdu().opcode() == Opcode.DATA_OUT && !info.discovery()) tasks.corruptDataOut(e.pdu());
                continue;
            }
            if (p == null) return;
            abortTasksOfUnitsResetElsewhere();
            keepalive.received(p);
            switch (p.opcode()) {
                case Opcode.DATA_OUT -> {
                    if (info.discovery()) throw new ProtocolException("Data-Out in a discovery session");
                    tasks.dataOut(p);
                }
                case Opcode.NOP_OUT, Opcode.SCSI_COMMAND, Opcode.TASK_MGMT_REQUEST, Opcode.TEXT_REQUEST,
                     Opcode.LOGOUT_REQUEST -> ordered(p);
                case Opcode.SNACK_REQUEST, Opcode.LOGIN_REQUEST -> reject(p, Reject.PROTOCOL_ERROR);
                default -> reject(p, Reject.COMMAND_NOT_SUPPORTED);
            }
        }
    }

    /** CmdSN ordering: immediate PDUs run at once, others in CmdSN order within the window. */
    private void ordered(Pdu p) throws IOException, ProtocolException {
        if (p.immediate()) {
            execute(p);
            return;
        }
        int cmdSn = p.getInt(24);
        int ahead = cmdSn - expCmdSn;
        if (ahead == 0) {
            expCmdSn++;
            if (abortedLate(p)) tasks.abortQueued(p.itt());
            else execute(p);
            while (!closing && !waiting.isEmpty() && waiting.firstKey() == expCmdSn) {
                Pdu next = waiting.pollFirstEntry().getValue();
                expCmdSn++;
                abortTasksOfUnitsResetElsewhere();
                if (next == ABORTED) continue; // gave back what it held when it was aborted
                tasks.releaseQueued(next.data().length);
                if (abortedLate(next)) tasks.abortQueued(next.itt());
                else execute(next);
            }
            abortedBefore.values().removeIf(sn -> !before(expCmdSn, sn));
        } else if (ahead > 0 && ahead < LoginHandler.CMD_WINDOW && !waiting.containsKey(cmdSn)) {
            // a queued command's data counts as write data: 63 of them with 256 KiB each, on a few dozen
            // connections leaving a CmdSN hole, ran a 1 GiB server out of heap
            if (!tasks.holdQueued(p.data().length)) {
                throw new ProtocolException("commands queued ahead of CmdSN " + Integer.toUnsignedString(expCmdSn)
                        + " hold more data than the target buffers");
            }
            waiting.put(cmdSn, p);
        }
        // else: outside the window, silently ignored (RFC 7143 section 4.2.2.1)
    }

    /**
     * Another session reset {@code lu}, to which this session may have tasks: SAM-5 has a reset abort
     * every task of the unit, whichever I_T nexus sent it (they learn of it from the UNIT ATTENTION the
     * reset queued for them). Safe from any thread; takes effect before this connection's next PDU is
     * handled. Commands of this connection already running finish: waiting for them would make the
     * resetting session wait on this one's initiator, which may not be reading its Data-In.
     */
    void unitResetElsewhere(LogicalUnit lu) {
        if (tasks != null && luns.containsValue(lu)) resetElsewhere.add(lu);
    }

    /**
     * Aborts, without responses, the writes waiting for Data-Out and the commands queued for their
     * CmdSN turn (each keeping its queue slot) of units {@link #unitResetElsewhere} named.
     */
    private void abortTasksOfUnitsResetElsewhere() {
        if (resetElsewhere.isEmpty()) return;
        for (LogicalUnit lu : resetElsewhere) {
            resetElsewhere.remove(lu);
            for (Map.Entry<Integer, LogicalUnit> e : luns.entrySet()) {
                if (e.getValue() != lu) continue;
                int lun = e.getKey();
                tasks.abortLun(lun);
                dropWaiting(p -> p.opcode() == Opcode.SCSI_COMMAND && Lun.decode(p.lun()) == lun);
            }
        }
    }

    /** Whether {@code p}, a command now taking its CmdSN turn, was covered by a task-set function before it came. */
    private boolean abortedLate(Pdu p) {
        if (p.opcode() != Opcode.SCSI_COMMAND || abortedBefore.isEmpty()) return false;
        int cmdSn = p.getInt(24);
        Integer all = abortedBefore.get(-1);
        Integer unit = abortedBefore.get(Lun.decode(p.lun()));
        return all != null && before(cmdSn, all) || unit != null && before(cmdSn, unit);
    }

    private void execute(Pdu p) throws IOException, ProtocolException {
        switch (p.opcode()) {
            case Opcode.NOP_OUT -> nopOut(p);
            case Opcode.SCSI_COMMAND -> {
                if (info.discovery()) reject(p, Reject.PROTOCOL_ERROR);
                else tasks.command(p);
            }
            case Opcode.TASK_MGMT_REQUEST -> {
                if (info.discovery()) reject(p, Reject.PROTOCOL_ERROR);
                else taskManagement.handle(p);
            }
            case Opcode.TEXT_REQUEST -> {
                Pdu r = text.handle(p, params.initiatorMaxRecvDataSegment);
                if (r == null) reject(p, text.rejectReason());
                else send(r, true);
            }
            case Opcode.LOGOUT_REQUEST -> logout(p);
            default -> throw new IllegalStateException("not an ordered opcode " + p.opcode());
        }
    }

    private void nopOut(Pdu p) throws IOException {
        if (p.itt() == Pdu.NO_TAG) return; // an answer to a NOP-In of ours, or a ping needing no reply
        Pdu r = Pdu.of(Opcode.NOP_IN).flags(0x80).lun(p.lun()).itt(p.itt()).putInt(20, Pdu.NO_TAG);
        r.data(p.data().length <= params.initiatorMaxRecvDataSegment ? p.data() : new byte[0]);
        send(r, true);
    }

    private void logout(Pdu p) throws IOException {
        tasks.drain();
        int reason = p.flags() & 0x7f;
        Pdu r = Pdu.of(Opcode.LOGOUT_RESPONSE).flags(0x80).itt(p.itt());
        r.putByte(2, reason == 2 ? 2 : 0); // 2: connection recovery not supported
        send(r, true);
        if (reason != 2) closing = true;
    }

    void reject(Pdu bad, int reason) throws IOException {
        Pdu r = Pdu.of(Opcode.REJECT).flags(0x80).putByte(2, reason).itt(Pdu.NO_TAG);
        r.data(bad.bhs().clone());
        send(r, true);
    }

    /** Stamps StatSN (advancing it when the PDU carries status) and the CmdSN window, then sends. */
    synchronized void send(Pdu p, boolean advanceStatSn) throws IOException {
        p.putInt(24, advanceStatSn ? statSn++ : statSn);
        p.putInt(28, expCmdSn);
        p.putInt(32, expCmdSn + LoginHandler.CMD_WINDOW - 1 - waiting.size());
        writer.write(p);
    }

    /** Sends a Data-In that carries no status: no StatSN. */
    synchronized void sendNoStatus(Pdu p) throws IOException {
        p.putInt(28, expCmdSn);
        p.putInt(32, expCmdSn + LoginHandler.CMD_WINDOW - 1 - waiting.size());
        writer.write(p);
    }

    SessionParams params() {
        return params;
    }

    ItNexus nexus() {
        return nexus;
    }

    Map<Integer, LogicalUnit> luns() {
        return luns;
    }

    TargetDefinition target() {
        return target;
    }

    TargetLuns targetLuns() {
        return targetLuns;
    }

    SessionRegistry registry() {
        return registry;
    }

    ScsiTasks tasks() {
        return tasks;
    }

    /** Serial-number arithmetic "a < b" for 32-bit sequence numbers (RFC 1982). */
    static boolean before(int a, int b) {
        return a - b < 0;
    }

    /** Whether a write command with task tag {@code itt} is queued for its CmdSN turn (its Data-Out is kept). */
    boolean queuedWrite(int itt) {
        for (Pdu p : waiting.values()) {
            if (p != ABORTED && p.opcode() == Opcode.SCSI_COMMAND && p.itt() == itt && (p.flags() & 0x20) != 0) {
                return true;
            }
        }
        return false;
    }

    int expCmdSn() {
        return expCmdSn;
    }

    /**
     * Aborts queued out-of-order commands matching {@code itt}, for ABORT TASK. Each keeps its place in
     * the queue as {@link #ABORTED}: its CmdSN was used, and ExpCmdSN must still move past it when the
     * commands before it arrive (removing it left a gap no command would ever fill, stalling the session).
     */
    boolean dropWaiting(int itt) {
        return dropWaiting(p -> p.itt() == itt);
    }

    /**
     * Aborts the SCSI commands queued ahead of their turn for logical unit {@code lun} (ABORT TASK SET,
     * CLEAR TASK SET, LOGICAL UNIT RESET), or for every unit when {@code lun} is -1 (target resets). The
     * function covers the commands with a CmdSN before its own (RFC 7143 11.5.1; an immediate function
     * carries the next CmdSN, so every command the initiator sent before it): those must not run once
     * the function has answered. Commands sent after it keep their place. Those before it not yet
     * received (behind a CmdSN hole) are aborted when they come ({@link #abortedBefore}).
     */
    void dropWaitingCommands(int lun, int tmfCmdSn) {
        dropWaiting(p -> p.opcode() == Opcode.SCSI_COMMAND && before(p.getInt(24), tmfCmdSn)
                && (lun == -1 || Lun.decode(p.lun()) == lun));
        if (before(expCmdSn, tmfCmdSn)) abortedBefore.merge(lun, tmfCmdSn, (a, b) -> before(a, b) ? b : a);
    }

    private boolean dropWaiting(java.util.function.Predicate<Pdu> which) {
        boolean found = false;
        for (Map.Entry<Integer, Pdu> e : waiting.entrySet()) {
            if (e.getValue() != ABORTED && which.test(e.getValue())) {
                tasks.releaseQueued(e.getValue().data().length);
                if (e.getValue().opcode() == Opcode.SCSI_COMMAND) tasks.abortQueued(e.getValue().itt());
                e.setValue(ABORTED);
                found = true;
            }
        }
        return found;
    }

    private String remote() {
        return String.valueOf(socket.getRemoteSocketAddress());
    }

    /** Closes the socket; the reader thread then ends and cleans up. Safe from any thread. */
    public void close() {
        closing = true;
        keepalive.stop();
        try {
            socket.close();
        } catch (IOException | RuntimeException e) {
            // already closed
        }
    }

    void closeAfterResponse() {
        closing = true;
    }
}
