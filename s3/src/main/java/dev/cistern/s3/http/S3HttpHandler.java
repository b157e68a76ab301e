package dev.cistern.s3.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * The only handler that runs on the event loop: it starts each request on the worker executor and
 * feeds the request body to it through a {@link BodyStream}. It never touches the engine. Requests of
 * one connection are served one at a time, in order: a pipelined request waits (queued here, its body
 * too) until the response before it has been written; while one waits, the socket is not read, so
 * a client that pipelines behind a response it does not read cannot fill the heap.
 */
public final class S3HttpHandler extends ChannelInboundHandlerAdapter {
    private final Executor workers;
    private final RequestHandler handler;
    private BodyStream body;
    /** A request is being served (its response not yet written). */
    private boolean busy;
    /** The request being served still has body to come: contents belong to it, not to a queued request. */
    private boolean bodyOpen;
    private final java.util.ArrayDeque<Object> pending = new java.util.ArrayDeque<>();

    public S3HttpHandler(Executor workers, RequestHandler handler) {
        this.workers = workers;
        this.handler = handler;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!pending.isEmpty() || (busy && !bodyOpen)) {
            // a pipelined request: its response must follow the current one, so it waits its turn, and
            // the socket is not read meanwhile (TCP holds the client back instead of this queue growing)
            pending.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        handle(ctx, msg);
    }

    private void handle(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof HttpRequest req) {
                if (req.decoderResult().isFailure()) {
                    rejectMalformed(ctx, req.decoderResult().cause());
                    body = null;
                    return;
                }
                BodyStream b = new BodyStream(ctx.channel());
                body = b;
                busy = true;
                bodyOpen = true;
                workers.execute(() -> {
                    try {
                        handler.serve(ctx.channel(), req, b);
                    } finally {
                        ctx.executor().execute(() -> next(ctx));
                    }
                });
            }
            if (msg instanceof HttpContent c && body != null) {
                if (c.decoderResult().isFailure()) {
                    body.broken();
                    ctx.close();
                    return;
                }
                if (c.content().isReadable()) body.offer(c.content().retain());
                if (c instanceof LastHttpContent) {
                    body.end();
                    bodyOpen = false;
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Event loop: the current request's response is written; start the next queued one, if any. */
    private void next(ChannelHandlerContext ctx) {
        busy = false;
        Object m;
        // replay queued messages: the next request, then its body parts, until it is complete or the queue is empty
        while ((m = pending.peek()) != null && (!busy || bodyOpen)) {
            pending.poll();
            if (!ctx.channel().isActive()) {
                ReferenceCountUtil.release(m);
                continue;
            }
            handle(ctx, m);
        }
        // read on once nothing waits here and the current request, if any, still needs body
        // (while its body stream holds back, that stream resumes reading when drained)
        boolean waitingForResponse = busy && !bodyOpen;
        if (pending.isEmpty() && !waitingForResponse && (!bodyOpen || body == null || body.wantsMore())) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /** An idle keep-alive connection (no bytes either way for the idle timeout) is closed. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof io.netty.handler.timeout.IdleStateEvent) {
            if (body != null) body.broken();
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (body != null) body.broken();
        Object m;
        while ((m = pending.poll()) != null) ReferenceCountUtil.release(m);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (body != null) body.broken();
        ctx.close();
    }

    /** A request line or header block the decoder refused (too long, not HTTP): answer 400 as S3 would, then close. */
    private static void rejectMalformed(ChannelHandlerContext ctx, Throwable cause) {
        boolean tooLong = cause instanceof TooLongFrameException;
        String code = tooLong ? "RequestHeaderSectionTooLarge" : "BadRequest";
        String msg = tooLong ? "your request header section exceeds the maximum allowed size"
                : "the request could not be parsed as HTTP/1.1: " + cause.getMessage();
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>"
                + msg.replace("&", "&amp;").replace("<", "&lt;") + "</Message></Error>";
        var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_REQUEST,
                Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/xml");
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, resp.content().readableBytes());
        resp.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
}
