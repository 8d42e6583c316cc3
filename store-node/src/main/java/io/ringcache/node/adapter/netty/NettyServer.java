package io.ringcache.node.adapter.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A listening Netty server's lifecycle, shared by the node's front doors (HTTP, RESP): one accept
 * thread, {@code ioThreads} event loops (NIO), TCP_NODELAY, and a close that lets connections
 * finish for a grace period and then ends every thread.
 */
public final class NettyServer implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    private NettyServer(EventLoopGroup boss, EventLoopGroup workers, Channel channel) {
        this.boss = boss;
        this.workers = workers;
        this.channel = channel;
    }

    /**
     * Binds {@code address} and serves each connection with {@code connection}.
     *
     * @param name threads are named {@code <name>-accept-N} and {@code <name>-io-N}
     * @throws IllegalStateException when the address cannot be bound (every thread ended)
     */
    public static NettyServer start(String name, int ioThreads, InetSocketAddress address,
                                    ChannelInitializer<SocketChannel> connection) {
        return start(name, ioThreads, address, null, connection);
    }

    /**
     * As {@link #start(String, int, InetSocketAddress, ChannelInitializer)}, each connection
     * first through TLS with {@code tls} (null: plaintext).
     */
    public static NettyServer start(String name, int ioThreads, InetSocketAddress address,
                                    NettyTls tls, ChannelInitializer<SocketChannel> connection) {
        ChannelInitializer<SocketChannel> child = tls == null ? connection : new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(connection);
                tls.install(ch);
            }
        };
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true),
                NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory(name + "-io", true),
                NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap().group(boss, workers).channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(child)
                    .bind(address).syncUninterruptibly().channel();
            return new NettyServer(boss, workers, channel);
        } catch (RuntimeException e) {
            shutdown(boss, workers, 0);
            throw new IllegalStateException("cannot bind " + name + " to " + address + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Stops accepting, lets open connections finish for up to {@code graceMillis}, ends the threads. */
    public void close(long graceMillis) {
        channel.close().syncUninterruptibly();
        shutdown(boss, workers, graceMillis);
    }

    @Override
    public void close() {
        close(1_000);
    }

    private static void shutdown(EventLoopGroup boss, EventLoopGroup workers, long graceMillis) {
        boss.shutdownGracefully(0, graceMillis, TimeUnit.MILLISECONDS);
        workers.shutdownGracefully(0, graceMillis, TimeUnit.MILLISECONDS);
        boss.terminationFuture().awaitUninterruptibly(graceMillis + 5_000);
        workers.terminationFuture().awaitUninterruptibly(graceMillis + 5_000);
    }
}
