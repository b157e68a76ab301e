package dev.cistern.s3.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Writes an {@link S3Response} to the channel from the operation's virtual thread. Stored data is read
 * here, off the event loop, and written in pieces; when the socket cannot take more, the thread waits
 * for the write to finish, so a slow reader holds back the disk reads instead of filling the heap.
 */
public final class ResponseSender {
    private static final int PIECE = 1048576;

    private ResponseSender() {
    }

    private static final byte[] XML_DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final long KEEPALIVE_SECONDS = 5;

    /** Headers and the XML declaration now, a space every few seconds while the work runs, then its result. */
    private static long sendDeferred(Channel ch, S3Response r, boolean keepAlive, boolean closeAfter, String requestId)
            throws IOException {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpHeaders h = head.headers();
        for (Map.Entry<String, String> e : r.headers().entrySet()) h.set(e.getKey(), e.getValue());
        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        h.set("x-amz-request-id", requestId);
        h.set(HttpHeaderNames.SERVER, "Cistern");
        if (!keepAlive) h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ch.write(head);
        ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(XML_DECLARATION)));
        var ticker = ch.eventLoop().scheduleAtFixedRate(
                () -> ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[] {' '}))),
                KEEPALIVE_SECONDS, KEEPALIVE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        byte[] body;
        try {
            body = r.deferred().call();
        } catch (Exception e) {
            ticker.cancel(false);
            ch.close();
            throw new IOException("deferred response failed after its 200 was sent: " + e, e);
        }
        ticker.cancel(false);
        // the ticker runs on the event loop, so this write is queued after any space it already sent
        ch.eventLoop().execute(() -> {
            ch.write(new DefaultHttpContent(Unpooled.wrappedBuffer(body)));
            ChannelFuture f = ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (closeAfter) f.addListener(ChannelFutureListener.CLOSE);
        });
        return body.length;
    }

    /** Sends {@code r}; closes the connection afterwards unless {@code keepAlive}. Returns bytes of body sent. */
    public static long send(Channel ch, S3Response r, boolean keepAlive, String requestId) throws IOException {
        return send(ch, r, keepAlive, !keepAlive, requestId);
    }

    /**
     * Sends {@code r}, saying {@code Connection: close} unless {@code keepAlive}; closes the connection once it
     * is written only when {@code closeAfter} (else the caller closes it, after writes of its own).
     */
    public static long send(Channel ch, S3Response r, boolean keepAlive, boolean closeAfter, String requestId)
            throws IOException {
        HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
        HttpHeaders h;
        HttpResponse head;
        if (r.deferred() != null) return sendDeferred(ch, r, keepAlive, closeAfter, requestId);
        boolean streaming = r.file() != null;
        if (streaming) {
            head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
        } else {
            head = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    r.isHeadOnly() ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
        }
        h = head.headers();
        for (Map.Entry<String, String> e : r.headers().entrySet()) h.set(e.getKey(), e.getValue());
        long length = streaming || r.isHeadOnly() ? r.fileLength() : r.body().length;
        h.set(HttpHeaderNames.CONTENT_LENGTH, length);
        h.set("x-amz-request-id", requestId);
        h.set(HttpHeaderNames.DATE, DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
        h.set(HttpHeaderNames.SERVER, "Cistern");
        if (!keepAlive) h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (!streaming) {
            ChannelFuture f = ch.writeAndFlush(head);
            if (closeAfter) f.addListener(ChannelFutureListener.CLOSE);
            return r.isHeadOnly() ? 0 : length;
        }
        long sent = 0;
        try (var file = r.file()) {
            ch.write(head); // not flushed: nothing reaches the client before the first piece or the end
            long pos = r.fileOffset();
            long end = pos + r.fileLength();
            LastHttpContent last = LastHttpContent.EMPTY_LAST_CONTENT;
            while (pos < end) {
                if (!ch.isActive()) throw new IOException("client went away after " + sent + " bytes of the response");
                int n = (int) Math.min(PIECE, end - pos);
                // a pooled heap buffer: no garbage per piece, and its array lets the engine decode in parallel
                ByteBuf piece = ch.alloc().heapBuffer(n, n);
                try {
                    ByteBuffer buf = piece.nioBuffer(0, n);
                    while (buf.hasRemaining()) {
                        int got = file.read(pos + buf.position(), buf);
                        if (got < 0) break;
                    }
                    piece.writerIndex(buf.position());
                } catch (RuntimeException e) {
                    piece.release();
                    throw e;
                }
                int got = piece.readableBytes();
                if (got == 0) {
                    piece.release();
                    // the object shrank under us; the client sees a short body and the connection closes
                    ch.close();
                    throw new IOException("stored object ended at " + pos + " before its length " + end);
                }
                pos += got;
                sent += got;
                if (pos >= end) {
                    // The last bytes travel in the same message that ends the response: the client may send
                    // its next request the moment it has them, and the encoder must be done with this one.
                    last = new DefaultLastHttpContent(piece);
                    break;
                }
                ChannelFuture f = ch.writeAndFlush(new DefaultHttpContent(piece));
                if (!ch.isWritable()) f.syncUninterruptibly();
            }
            ChannelFuture f = ch.writeAndFlush(last);
            if (closeAfter) f.addListener(ChannelFutureListener.CLOSE);
        }
        return sent;
    }
}
