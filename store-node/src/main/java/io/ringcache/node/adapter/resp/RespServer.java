package io.ringcache.node.adapter.resp;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ringcache.node.core.KvRequests;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store node's Redis protocol (RESP2, and RESP3 after {@code HELLO 3}) on Netty: any Redis
 * client can use the cluster, each node serving every key through the node's request path.
 * Commands are parsed with Netty's redis codec (inline commands too); a bulk string over the
 * value limit is refused before it is buffered.
 */
public final class RespServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RespServer.class);
    /** The most words one command may have (MSET of half a million pairs, say). */
    static final int MAX_WORDS = 1 << 20;

    private final RespCommands commands;
    private final int maxValueBytes;
    private final ExecutorService calls;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong clientIds = new AtomicLong();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private Channel server;

    /**
     * @param deadline  how long one command may take, waits for a shard leader included
     * @param wallClock Unix milliseconds (TTL, PTTL, TIME)
     */
    public RespServer(KvRequests requests, String storeId, int maxValueBytes, Duration deadline, LongSupplier wallClock) {
        this.maxValueBytes = maxValueBytes;
        this.calls = Executors.newFixedThreadPool(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("resp-calls", true));
        RespCalls respCalls = new RespCalls(requests, calls, deadline.toMillis());
        this.commands = new RespCommands(new RespKeyCommands(respCalls, wallClock, maxValueBytes),
                new RespServerCommands(respCalls, wallClock, storeId, connections::get, processed), new RespScan(respCalls));
    }

    /** Binds and starts serving; returns the bound port. */
    public synchronized int start(InetSocketAddress address) {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("resp-accept", true), NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(Math.max(1, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("resp-io", true), NioIoHandler.newFactory());
        try {
            server = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new RedisDecoder(true),
                                    new RespLimits(maxValueBytes + 1024L, MAX_WORDS),
                                    new RedisBulkStringAggregator(), new RedisArrayAggregator(),
                                    new RespConnectionHandler(commands, clientIds.incrementAndGet(), connections, processed));
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("cannot bind the Redis protocol to " + address + ": " + e.getMessage(), e);
        }
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        LOG.info("Redis protocol (RESP) listening on {}", bound);
        return bound.getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
            server = null;
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            boss.terminationFuture().awaitUninterruptibly(5_000);
            workers.terminationFuture().awaitUninterruptibly(5_000);
            boss = null;
            workers = null;
        }
        calls.shutdownNow();
    }
}
