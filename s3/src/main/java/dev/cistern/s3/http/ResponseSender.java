package dev.cistern.s3.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
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
    private static final int PIECE = 256 * 1024;

    private ResponseSender() {
    }

    /** Sends {@code r}; closes the connection afterwards unless {@code keepAlive}. Returns bytes of body sent. */
    public static long send(Channel ch, S3Response r, boolean keepAlive, String requestId) throws IOException {
        HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
        HttpHeaders h;
        HttpResponse head;
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
            if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
            return r.isHeadOnly() ? 0 : length;
        }
        long sent = 0;
        try (var file = r.file()) {
            ch.write(head);
            long pos = r.fileOffset();
            long end = pos + r.fileLength();
            while (pos < end) {
                if (!ch.isActive()) throw new IOException("client went away after " + sent + " bytes of the response");
                int n = (int) Math.min(PIECE, end - pos);
                ByteBuffer buf = ByteBuffer.allocate(n);
                while (buf.hasRemaining()) {
                    int got = file.read(pos + buf.position(), buf);
                    if (got < 0) break;
                }
                buf.flip();
                if (buf.remaining() == 0) {
                    // the object shrank under us; the client sees a short body and the connection closes
                    ch.close();
                    throw new IOException("stored object ended at " + pos + " before its length " + end);
                }
                pos += buf.remaining();
                sent += buf.remaining();
                ChannelFuture f = ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(buf)));
                if (!ch.isWritable()) f.syncUninterruptibly();
            }
            ChannelFuture f = ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        }
        return sent;
    }
}
