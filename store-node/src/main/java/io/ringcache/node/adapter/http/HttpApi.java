package io.ringcache.node.adapter.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ringcache.node.adapter.netty.NettyServer;
import io.ringcache.node.adapter.netty.OffLoopRequests;
import io.ringcache.node.core.KvRequests;
import java.net.InetSocketAddress;
import io.ringcache.node.adapter.auth.Doorkeeper;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store node's HTTP API on Netty: the seed prototype's {@code /set}, {@code /get} and
 * {@code /join}, the REST {@code /v1/kv/{key}} and {@code /v1/cluster}, and the operational
 * {@code /health}, {@code /ready} and {@code /metrics}; blocking handlers (the profiling endpoints
 * under {@code /debug}) are mounted on their own path prefixes and run on a small blocking pool.
 *
 * <p>HTTP/1.1 with keep-alive and pipelining (replies in request order), and HTTP/2 over cleartext
 * (h2c), by upgrade or with prior knowledge. Key-value requests call the node's request path
 * in-process ({@link KvRequests}), started on a small calls pool so that no transport thread ever
 * waits (the call may wait for a Raft division's lock); HTTP writes join the same group commit as
 * SDK writes. No input ends the server: a failing request is answered.
 */
public final class HttpApi implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** The longest request line: a 4 KiB key percent-encoded is 12 KiB. */
    static final int MAX_INITIAL_LINE = 64 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private final HttpSettings settings;
    private final HttpRoutes routes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ExecutorService blocking;
    private final OffLoopRequests calls;

    private NettyServer server;

    public HttpApi(KvRequests kv, HttpSettings settings, Supplier<String> clusterJson, JoinHandler join,
                   Supplier<Boolean> ready, Supplier<String> metrics) {
        this(kv, settings, clusterJson, join, ready, metrics, Map.of());
    }

    /**
     * @param mounts blocking handlers served on their own path prefixes (e.g. {@code "/debug"})
     */
    public HttpApi(KvRequests kv, HttpSettings settings, Supplier<String> clusterJson, JoinHandler join,
                   Supplier<Boolean> ready, Supplier<String> metrics, Map<String, BlockingHttpHandler> mounts) {
        this(kv, settings, clusterJson, join, ready, metrics, mounts, Doorkeeper.open());
    }

    /** @param doorkeeper checks each request's credentials and rights while auth is on */
    public HttpApi(KvRequests kv, HttpSettings settings, Supplier<String> clusterJson, JoinHandler join,
                   Supplier<Boolean> ready, Supplier<String> metrics, Map<String, BlockingHttpHandler> mounts,
                   Doorkeeper doorkeeper) {
        Map<String, BlockingHttpHandler> mounted = Map.copyOf(Objects.requireNonNull(mounts, "mounts"));
        mounted.keySet().forEach(prefix -> {
            if (!prefix.startsWith("/") || prefix.length() < 2) {
                throw new IllegalArgumentException("a mount's prefix must be a path below /: " + prefix);
            }
        });
        this.settings = Objects.requireNonNull(settings, "settings");
        ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.blockingThreads(), settings.blockingThreads(),
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(1024), new DefaultThreadFactory("http-blocking", true));
        pool.allowCoreThreadTimeOut(true);
        this.blocking = pool;
        this.calls = new OffLoopRequests(Objects.requireNonNull(kv, "kv"), "http-calls", OffLoopRequests.DEFAULT_THREADS);
        KvRoutes kvRoutes = new KvRoutes(calls, settings, Objects.requireNonNull(join, "join"), doorkeeper);
        this.routes = new HttpRoutes(kvRoutes, Objects.requireNonNull(clusterJson, "clusterJson"),
                Objects.requireNonNull(ready, "ready"), Objects.requireNonNull(metrics, "metrics"), mounted, pool, doorkeeper);
    }

    /** Binds and starts serving; returns the bound port (useful with port 0). */
    public synchronized int start(InetSocketAddress address) {
        return start(address, null);
    }

    /** Binds and starts serving, over TLS with {@code tls} (null: plaintext); returns the bound port. */
    public synchronized int start(InetSocketAddress address, io.ringcache.node.adapter.netty.NettyTls tls) {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = NettyServer.start("http", settings.threads(), address, tls, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                connection(ch.pipeline());
            }
        });
        LOG.info("HTTP API listening on {}", server.address());
        return server.address().getPort();
    }

    /**
     * A new connection: HTTP/1.1, upgraded to h2c when the client asks, or h2c from the first byte
     * (prior knowledge). Each HTTP/2 stream gets its own {@link HttpConnectionHandler}.
     */
    private void connection(ChannelPipeline p) {
        ChannelInitializer<Http2StreamChannel> stream = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true), handler());
            }
        };
        HttpServerCodec http1 = new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, 64 * 1024);
        HttpServerUpgradeHandler upgrade = new HttpServerUpgradeHandler(http1, protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                        ? new Http2ServerUpgradeCodec(Http2FrameCodecBuilder.forServer().build(), new Http2MultiplexHandler(stream))
                        : null, 64 * 1024);
        ChannelInitializer<Channel> priorKnowledge = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(), new Http2MultiplexHandler(stream));
            }
        };
        p.addLast(new CleartextHttp2ServerUpgradeHandler(http1, upgrade, priorKnowledge));
        p.addLast(new SimpleChannelInboundHandler<HttpMessage>(false) {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, HttpMessage msg) {
                // Plain HTTP/1.1: this connection stays on it.
                ctx.pipeline().replace(this, null, handler());
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
                if (msg instanceof HttpMessage) {
                    super.channelRead(ctx, msg);
                } else {
                    ReferenceCountUtil.release(msg); // content of nothing: cannot happen before the first message
                }
            }
        });
    }

    private HttpConnectionHandler handler() {
        return new HttpConnectionHandler(routes, settings.maxValueBytes(), inFlight, settings.maxInFlight());
    }

    /** Requests in progress across every connection (for tests and metrics). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Stops accepting, closes every connection after the stop grace, and ends the threads. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.close(settings.stopGrace().toMillis());
            server = null;
        }
        blocking.shutdownNow();
        calls.close();
    }
}
