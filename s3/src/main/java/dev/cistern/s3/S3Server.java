package dev.cistern.s3;

import dev.cistern.engine.Engine;
import dev.cistern.s3.http.S3HttpHandler;
import dev.cistern.s3.op.S3Context;
import dev.cistern.s3.store.BucketStore;
import dev.cistern.s3.store.KeyLocks;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The S3 endpoint: HTTP/1.1 (keep-alive) or HTTPS on one port. Netty's event loops only parse and
 * frame HTTP; each request runs on its own virtual thread, where signature checks, body decoding and
 * all engine calls happen.
 */
public final class S3Server {
    static final int MAX_INITIAL_LINE = 16 * 1024;
    static final int MAX_HEADER_SIZE = 16 * 1024;

    private final S3Credentials credentials;
    private final InetSocketAddress bind;
    private final SslContext ssl;
    private final S3Context ctx;
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService requests;
    private Channel channel;

    public S3Server(Engine engine, S3Credentials credentials, InetSocketAddress bind) {
        this(engine, credentials, bind, null, S3Config.defaults());
    }

    public S3Server(Engine engine, S3Credentials credentials, InetSocketAddress bind, SslContext ssl) {
        this(engine, credentials, bind, ssl, S3Config.defaults());
    }

    public S3Server(Engine engine, S3Credentials credentials, InetSocketAddress bind, SslContext ssl, S3Config config) {
        this.credentials = credentials;
        this.bind = bind;
        this.ssl = ssl;
        this.ctx = new S3Context(engine, new BucketStore(engine, config.groupName()), new KeyLocks(), config);
    }

    public synchronized void start() {
        if (channel != null) throw new IllegalStateException("the S3 server is already started on port " + port());
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(0, NioIoHandler.newFactory());
        requests = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("s3-req-", 0).factory());
        S3Dispatcher dispatcher = new S3Dispatcher(ctx, credentials);
        ServerBootstrap b = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 512)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        ch.pipeline().addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 64 * 1024));
                        ch.pipeline().addLast(new HttpServerExpectContinueHandler());
                        ch.pipeline().addLast(new S3HttpHandler(requests, dispatcher));
                    }
                });
        try {
            channel = b.bind(bind).sync().channel();
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("cannot listen for S3 on " + bind + ": " + e.getMessage(), e);
        }
    }

    public synchronized void stop() {
        if (channel != null) channel.close().syncUninterruptibly();
        channel = null;
        if (boss != null) boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (workers != null) workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (requests != null) {
            requests.shutdown();
            try {
                requests.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boss = workers = null;
        requests = null;
    }

    /** The bound port (the actual one when constructed with port 0). */
    public synchronized int port() {
        if (channel == null) throw new IllegalStateException("the S3 server is not started");
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public synchronized boolean healthy() {
        return channel != null && channel.isActive() && !requests.isShutdown();
    }
}
