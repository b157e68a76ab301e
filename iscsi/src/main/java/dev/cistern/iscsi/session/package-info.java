/**
 * iSCSI sessions: one {@link dev.cistern.iscsi.session.Connection} per TCP connection (MaxConnections=1,
 * so also one per session), served by one virtual thread with blocking I/O.
 *
 * <h2>Ordering</h2>
 * Non-immediate PDUs carry a CmdSN and are delivered in CmdSN order: one equal to ExpCmdSN runs and
 * advances ExpCmdSN, one ahead but inside the window waits in a queue, anything else is dropped
 * silently (RFC 7143 4.2.2.1). MaxCmdSN is ExpCmdSN plus the window minus what is queued, so the
 * queue is bounded. Data-Out PDUs are not numbered; they must arrive in order (DataPDUInOrder=Yes)
 * with consecutive DataSNs per sequence, else the connection is dropped (ErrorRecoveryLevel 0).
 * Unsolicited Data-Out of a write still queued for its CmdSN is kept, in the write budget, until the
 * write runs ({@code QueuedDataOut}); more than the budget takes drops the connection, as queued
 * commands do.
 * Write data sent without an R2T must keep to ImmediateData, InitialR2T and FirstBurstLength as
 * negotiated, else its task ends in CHECK CONDITION with nothing written ({@code UnsolicitedData}).
 * Text requests and answers may span PDUs ({@code TextExchange}).
 *
 * <h2>Concurrency</h2>
 * Block READ/WRITE/VERIFY commands of SIMPLE tasks to disks run on their own virtual threads, admitted
 * by {@code TaskOrdering}: one whose LBA range overlaps a running command, with a write on either side,
 * waits for it (holding up the reader thread, so nothing later overtakes it). Every other command is a
 * barrier: it waits until nothing runs and then runs alone on the reader thread. Hence no command
 * overtakes an earlier write to the same blocks, a reservation change or a mode change. Task management
 * functions and logout also wait for running commands, so "aborted" or "reset" never races a command
 * still touching the volume. Responses from several threads go through {@code Connection.send}, which
 * assigns StatSN and writes each PDU whole.
 *
 * <h2>Memory</h2>
 * Running commands out of the reader thread means nothing stops an initiator from sending commands
 * faster than they complete, each with a buffer of up to 16 MiB. {@code DataBudget} bounds what one
 * connection holds: write buffers (from the command until it ran, or was aborted) up to 64 MiB, beyond
 * which a write is answered TASK SET FULL before its buffer exists; and the Data-In of concurrent reads
 * up to 64 MiB, beyond which the reader thread waits for running reads, so an initiator that stops
 * collecting its Data-In stops its own connection, not the server. Each connection's budgets draw on
 * target-wide ones ({@code CommandMemory}, an eighth of the heap each), so many connections together
 * stay within the heap too; a command the target-wide budget cannot take is answered TASK SET FULL,
 * never made to wait for other connections. An empty budget always lets one command through.
 *
 * <h2>Before login</h2>
 * Anyone can connect, so what an unauthenticated client holds is bounded ({@link dev.cistern.iscsi.TargetLimits}):
 * {@code ConnectionGate} admits an accepted connection only within a total and a per-source-address
 * share, else it is closed before it has a thread or a buffer; the whole login phase runs under one
 * deadline, enforced by closing the socket (a read timeout restarts with each read, and a write to a
 * client that does not read never times out; the timer and a login completing settle who came first
 * in one atomic step, so a session that reached full feature phase is never closed by it); and the
 * {@code SessionRegistry} hands out at most so many TSIHs, a login beyond them failing with "out of
 * resources" rather than searching a full space.
 * A login PDU with more than 8192 bytes of data is read, answered Initiator Error and the connection closed.
 *
 * <h2>Reset and nexus loss</h2>
 * A LUN or target reset releases SPC-2 reservations and queues one UNIT ATTENTION (29h/03h) for every
 * logged-in initiator port of the unit; persistent reservations survive resets and restarts. ABORT
 * TASK SET, CLEAR TASK SET and the resets also abort commands queued behind a CmdSN hole whose CmdSN
 * precedes the function's; each keeps its queue slot, so ExpCmdSN still moves past it. A command
 * before an immediate function that arrives only after it (the one filling the CmdSN hole) is aborted
 * when its turn comes, without a response, as it would have been had it come in time. The resets
 * abort the same tasks of other sessions of the unit (all task sets, SAM-5): the resetting thread only
 * names the unit to each other connection, whose own reader thread aborts them before handling its next
 * PDU (nothing of theirs can start before that); their running commands finish. When a
 * connection ends, its initiator port's SPC-2 reservation and pending unit attention go with it.
 */
package dev.cistern.iscsi.session;
