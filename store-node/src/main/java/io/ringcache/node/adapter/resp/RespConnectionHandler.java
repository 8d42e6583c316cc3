package io.ringcache.node.adapter.resp;

import io.netty.buffer.ByteBuf;
import io.ringcache.node.adapter.auth.Doorkeeper;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.redis.ArrayRedisMessage;
import io.netty.handler.codec.redis.FullBulkStringRedisMessage;
import io.netty.handler.codec.redis.InlineCommandRedisMessage;
import io.netty.handler.codec.redis.RedisMessage;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RESP connection: turns each command into words, runs it, and writes the replies in
 * command order however the asynchronous work completes (pipelining). A command starts only
 * once every earlier command of the connection on any of its keys has completed, so a pipeline
 * sees its own writes as Redis would (SET then INCR then GET of one key run in that order), while
 * commands on different keys overlap; DBSIZE and INFO wait for everything before them. At most
 * {@link #MAX_PIPELINED} commands of one connection are in progress before it stops reading.
 * Fields are touched only on the channel's event loop.
 */
final class RespConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(RespConnectionHandler.class);
    static final int MAX_PIPELINED = 1024;

    private final RespCommands commands;
    private final RespSession session;
    private final AtomicInteger connections;
    private final AtomicLong processed;
    private long nextSequence;
    private long nextToWrite;
    private final TreeMap<Long, Done> done = new TreeMap<>();
    /** Per key, the last command of this connection still running on it. */
    private final java.util.Map<RespCommands.Key, CompletableFuture<?>> running = new java.util.HashMap<>();

    private record Done(RespReply reply, boolean close, int protocol) {
    }

    private final Doorkeeper doorkeeper;

    RespConnectionHandler(RespCommands commands, long id, AtomicInteger connections, AtomicLong processed,
                          Doorkeeper doorkeeper) {
        this.doorkeeper = doorkeeper;
        this.commands = commands;
        this.session = new RespSession(id);
        this.connections = connections;
        this.processed = processed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connections.incrementAndGet();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        connections.decrementAndGet();
        done.clear();
        running.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        List<byte[]> words;
        try {
            words = words((RedisMessage) msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
        if (words == null) {
            reply(ctx, nextSequence++, RespReply.error("ERR Protocol error: expected an array of bulk strings"), true,
                    session.protocol);
            return;
        }
        if (words.isEmpty()) {
            return; // an empty inline line: Redis ignores it
        }
        processed.incrementAndGet();
        if (!session.peerRead) {
            session.peerRead = true;
            // The first command: TLS is through its handshake, so the client certificate (if any) is known.
            session.peer = io.ringcache.node.adapter.netty.NettyTls.peerChain(ctx.channel());
        }
        long sequence = nextSequence++;
        if (nextSequence - nextToWrite >= MAX_PIPELINED) {
            ctx.channel().config().setAutoRead(false);
        }
        List<RespCommands.Key> keys = commands.keys(words);
        List<CompletableFuture<?>> before = new ArrayList<>();
        if (keys == null) {
            before.addAll(running.values());
        } else {
            for (RespCommands.Key k : keys) {
                CompletableFuture<?> last = running.get(k);
                if (last != null) {
                    before.add(last);
                }
            }
        }
        CompletableFuture<RespReply> reply;
        int[] protocol = {session.protocol};
        if (before.isEmpty()) {
            reply = commands.run(words, session);
            protocol[0] = session.protocol; // HELLO answers in the protocol it chose
        } else {
            reply = CompletableFuture.allOf(before.toArray(new CompletableFuture[0]))
                    .handle((v, e) -> null)
                    .thenComposeAsync(v -> commands.run(words, session), ctx.executor());
        }
        if (keys != null) {
            for (RespCommands.Key k : keys) {
                running.put(k, reply);
            }
        }
        reply.whenComplete((r, e) -> {
            RespReply answer = r != null ? r : RespReply.error("ERR internal error: " + e);
            boolean close = session.closing;
            Runnable finish = () -> {
                if (keys != null) {
                    keys.forEach(k -> running.remove(k, reply));
                }
                reply(ctx, sequence, answer, close, protocol[0]);
            };
            if (ctx.executor().inEventLoop()) {
                finish.run();
            } else {
                ctx.executor().execute(finish);
            }
        });
    }

    /** A command's words, or null when the message is not a command. */
    private static List<byte[]> words(RedisMessage msg) {
        if (msg instanceof InlineCommandRedisMessage inline) {
            List<byte[]> out = new ArrayList<>();
            for (String w : inline.content().trim().split("\\s+")) {
                if (!w.isEmpty()) {
                    out.add(w.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            return out;
        }
        if (!(msg instanceof ArrayRedisMessage array) || array.isNull() || array.children().isEmpty()) {
            return null;
        }
        List<byte[]> out = new ArrayList<>(array.children().size());
        for (RedisMessage child : array.children()) {
            if (!(child instanceof FullBulkStringRedisMessage bulk) || bulk.isNull()) {
                return null;
            }
            ByteBuf content = bulk.content();
            out.add(ByteBufUtil.getBytes(content, content.readerIndex(), content.readableBytes(), false));
        }
        return out;
    }

    private void reply(ChannelHandlerContext ctx, long sequence, RespReply reply, boolean close, int protocol) {
        if (!ctx.channel().isActive()) {
            return;
        }
        done.put(sequence, new Done(reply, close, protocol));
        Done next;
        boolean wrote = false;
        while ((next = done.remove(nextToWrite)) != null) {
            nextToWrite++;
            ByteBuf out = ctx.alloc().buffer();
            RespWriter.write(out, next.reply(), next.protocol());
            wrote = true;
            if (next.close()) {
                ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
                done.clear();
                return;
            }
            ctx.write(out);
        }
        if (wrote) {
            ctx.flush();
            if (!ctx.channel().config().isAutoRead() && nextSequence - nextToWrite < MAX_PIPELINED / 2) {
                ctx.channel().config().setAutoRead(true);
            }
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A malformed or oversized request: answered, then the connection closes (the stream is no longer framed).
        LOG.debug("RESP connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        if (ctx.channel().isActive()) {
            ByteBuf out = ctx.alloc().buffer();
            RespWriter.write(out, RespReply.error("ERR Protocol error: " + cause.getMessage()), session.protocol);
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
