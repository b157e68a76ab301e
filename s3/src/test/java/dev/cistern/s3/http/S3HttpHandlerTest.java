package dev.cistern.s3.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The event-loop handler without sockets: hand-off to the worker, body streaming, backpressure, disconnects. */
class S3HttpHandlerTest {
    @Test
    void bodyIsStreamedToTheWorkerWithBackpressure() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        AtomicReference<BodyStream> seen = new AtomicReference<>();
        EmbeddedChannel ch = new EmbeddedChannel(new S3HttpHandler(queued::add, (c, req, body) -> seen.set(body)));
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/b/k"));
        assertThat(queued).hasSize(1);
        queued.get(0).run(); // what the virtual thread would run
        BodyStream body = seen.get();
        byte[] piece = new byte[1 << 20];
        for (int i = 0; i < 5; i++) ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(piece)));
        assertThat(ch.config().isAutoRead()).as("reading stops above 4 MiB queued").isFalse();
        byte[] buf = new byte[1 << 20];
        long total = 0;
        for (int i = 0; i < 5; i++) total += body.readNBytes(buf, 0, buf.length);
        assertThat(ch.config().isAutoRead()).as("reading resumes once drained").isTrue();
        ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[10])));
        total += body.readNBytes(buf, 0, buf.length);
        assertThat(total).isEqualTo(5L * (1 << 20) + 10);
        assertThat(body.read()).isEqualTo(-1);
        assertThat(body.complete()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void pipelinedRequestsAreServedOneAfterAnotherWithTheirBodies() {
        List<Runnable> queued = new ArrayList<>();
        List<String> served = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(new S3HttpHandler(queued::add, (c, req, body) -> {
            try {
                served.add(req.uri() + ":" + body.readAllBytes().length);
            } catch (IOException e) {
                served.add(req.uri() + ":" + e.getMessage());
            }
        }));
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/b/first"));
        ch.writeInbound(new DefaultLastHttpContent());
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/b/second"));
        ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[3])));
        assertThat(queued).as("the second waits for the first").hasSize(1);
        queued.get(0).run();
        ch.runPendingTasks();
        assertThat(queued).hasSize(2);
        // the queued body part was replayed into the second request; later parts go straight to it
        ch.writeInbound(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[2])));
        queued.get(1).run();
        ch.runPendingTasks();
        assertThat(served).containsExactly("/b/first:0", "/b/second:5");
        ch.finishAndReleaseAll();
    }

    @Test
    void disconnectFailsAWaitingReader() {
        List<Runnable> queued = new ArrayList<>();
        AtomicReference<BodyStream> seen = new AtomicReference<>();
        EmbeddedChannel ch = new EmbeddedChannel(new S3HttpHandler(queued::add, (c, req, body) -> seen.set(body)));
        ch.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.PUT, "/b/k"));
        queued.get(0).run();
        ch.writeInbound(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[100])));
        ch.close();
        BodyStream body = seen.get();
        try {
            body.readNBytes(1000);
            throw new AssertionError("expected an IOException for a body cut short");
        } catch (IOException e) {
            assertThat(e.getMessage()).contains("after 100 bytes");
        }
    }
}
