package dev.cistern.iscsi.session;

import dev.cistern.iscsi.pdu.Opcode;
import dev.cistern.iscsi.pdu.Pdu;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.function.Function;

/**
 * The Text Request/Response exchange of one connection (RFC 7143 sections 11.10 and 11.11), around
 * {@link Discovery}: text may span PDUs both ways. A request with the C bit set is gathered (up to
 * {@link #MAX_REQUEST} bytes) and answered with an empty response asking for the rest; an answer longer
 * than the initiator's MaxRecvDataSegmentLength goes out in pieces, each with C=1, F=0 and a Target
 * Transfer Tag the initiator returns in an empty request to get the next one. The last piece has F=1
 * and TTT 0xffffffff. A request with TTT 0xffffffff starts a new exchange, dropping any unfinished one.
 * Owned by the connection's reader thread.
 */
final class TextExchange {
    /** Largest request text gathered across PDUs: SendTargets needs a few dozen bytes. */
    static final int MAX_REQUEST = 64 * 1024;
    private static final int FINAL = 0x80;
    private static final int CONTINUE = 0x40;

    private final Function<byte[], byte[]> answerer;
    private int nextTtt = 1;
    /** The unfinished exchange: its task tag and ours, or ttt -1 when none. */
    private int itt;
    private int ttt = -1;
    private ByteArrayOutputStream request;
    private byte[] answer;
    private int sent;

    /** @param answerer the whole answer text to a whole request text */
    TextExchange(Function<byte[], byte[]> answerer) {
        this.answerer = answerer;
    }

    /**
     * The response to {@code req}, given that the initiator takes at most {@code maxSegment} bytes of
     * data a PDU; null when the request breaks the exchange's rules and must be rejected (the caller
     * sends a Reject with reason {@link #rejectReason}).
     */
    Pdu handle(Pdu req, int maxSegment) {
        int flags = req.flags();
        boolean finalBit = (flags & FINAL) != 0;
        boolean more = (flags & CONTINUE) != 0;
        int reqTtt = req.getInt(20);
        if (more && finalBit) return refuse(); // 11.10.2: C=1 must come with F=0
        if (reqTtt == Pdu.NO_TAG) {
            reset();
        } else if (reqTtt != ttt || req.itt() != itt) {
            return refuse(); // a tag we never gave, or one of another exchange
        }
        itt = req.itt();
        if (answer != null) {
            // the initiator asks for the next piece of the answer; it sends no text meanwhile
            if (req.data().length > 0 || more) return refuse();
            return nextPiece(req, maxSegment);
        }
        if (request == null) request = new ByteArrayOutputStream();
        if (request.size() + req.data().length > MAX_REQUEST) return refuse();
        request.writeBytes(req.data());
        if (more) {
            ttt = newTtt();
            return response(req, 0, ttt, new byte[0]); // 11.11.2: an empty response asks for the rest
        }
        answer = answerer.apply(request.toByteArray());
        request = null;
        sent = 0;
        return nextPiece(req, maxSegment);
    }

    /** Reject reason for a request {@link #handle} refused. */
    int rejectReason() {
        return Reject.PROTOCOL_ERROR;
    }

    private Pdu nextPiece(Pdu req, int maxSegment) {
        int n = Math.min(maxSegment, answer.length - sent);
        byte[] piece = Arrays.copyOfRange(answer, sent, sent + n);
        sent += n;
        if (sent < answer.length) {
            ttt = newTtt();
            return response(req, CONTINUE, ttt, piece);
        }
        reset();
        return response(req, FINAL, Pdu.NO_TAG, piece);
    }

    private Pdu refuse() {
        reset();
        return null;
    }

    private void reset() {
        ttt = -1;
        request = null;
        answer = null;
        sent = 0;
    }

    private int newTtt() {
        return nextTtt++ & 0x7fffffff; // never 0xffffffff, the reserved value
    }

    private static Pdu response(Pdu req, int flags, int ttt, byte[] data) {
        return Pdu.of(Opcode.TEXT_RESPONSE).flags(flags).lun(req.lun()).itt(req.itt()).putInt(20, ttt).data(data);
    }
}
