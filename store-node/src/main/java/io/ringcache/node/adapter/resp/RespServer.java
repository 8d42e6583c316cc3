package io.ringcache.node.adapter.resp;

import io.ringcache.node.adapter.auth.Doorkeeper;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.redis.RedisArrayAggregator;
import io.netty.handler.codec.redis.RedisBulkStringAggregator;
import io.netty.handler.codec.redis.RedisDecoder;
import io.ringcache.node.adapter.netty.NettyServer;
import io.ringcache.node.adapter.netty.OffLoopRequests;
import io.ringcache.node.core.KvRequests;
import java.net.InetSocketAddress;
import java.time.Duration;
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
    private final OffLoopRequests calls;
    private final Doorkeeper doorkeeper;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong clientIds = new AtomicLong();
    private NettyServer server;

    /**
     * @param deadline  how long one command may take, waits for a shard leader included
     * @param wallClock Unix milliseconds (TTL, PTTL, TIME)
     * @param cacheStats this store's memory and cache figures (INFO memory, INFO stats)
     */
    public RespServer(KvRequests requests, String storeId, int maxValueBytes, Duration deadline, LongSupplier wallClock,
                      java.util.function.Supplier<io.ringcache.node.core.CacheStats> cacheStats) {
        this(requests, storeId, maxValueBytes, deadline, wallClock, cacheStats, Doorkeeper.open());
    }

    /** @param doorkeeper checks AUTH, and each command's caller and key rights while auth is on */
    public RespServer(KvRequests requests, String storeId, int maxValueBytes, Duration deadline, LongSupplier wallClock,
                      java.util.function.Supplier<io.ringcache.node.core.CacheStats> cacheStats, Doorkeeper doorkeeper) {
        this.doorkeeper = doorkeeper;
        this.maxValueBytes = maxValueBytes;
        this.calls = new OffLoopRequests(requests, "resp-calls", OffLoopRequests.DEFAULT_THREADS);
        RespCalls respCalls = new RespCalls(calls, deadline.toMillis());
        this.commands = new RespCommands(new RespKeyCommands(respCalls, wallClock, maxValueBytes),
                new RespServerCommands(respCalls, wallClock, storeId, connections::get, processed, cacheStats, doorkeeper),
                new RespScan(respCalls), doorkeeper);
    }

    /** Binds and starts serving; returns the bound port. */
    public synchronized int start(InetSocketAddress address) {
        return start(address, null);
    }

    /** Binds and starts serving, over TLS with {@code tls} (null: plaintext); returns the bound port. */
    public synchronized int start(InetSocketAddress address, io.ringcache.node.adapter.netty.NettyTls tls) {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        server = NettyServer.start("resp", Math.max(1, Runtime.getRuntime().availableProcessors()), address, tls,
                new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new RedisDecoder(true),
                                new RespLimits(maxValueBytes + 1024L, MAX_WORDS),
                                new RedisBulkStringAggregator(), new RedisArrayAggregator(),
                                new RespConnectionHandler(commands, clientIds.incrementAndGet(), connections, processed,
                                        doorkeeper));
                    }
                });
        LOG.info("Redis protocol (RESP) listening on {}", server.address());
        return server.address().getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close(1_000);
            server = null;
        }
        calls.close();
    }
}
