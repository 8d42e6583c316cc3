package io.ringcache.node.adapter.resp;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.redis.ArrayHeaderRedisMessage;
import io.netty.handler.codec.redis.BulkStringHeaderRedisMessage;
import io.netty.util.ReferenceCountUtil;

/**
 * Refuses a command whose declared sizes are over the limits, at its headers, before its content
 * is buffered (Netty's aggregators accept up to 512 MB): a bulk string over {@code maxBulkBytes}
 * or an array of more than {@code maxArrayLength} elements ends the connection with an error.
 */
final class RespLimits extends ChannelInboundHandlerAdapter {

    private final long maxBulkBytes;
    private final long maxArrayLength;

    RespLimits(long maxBulkBytes, long maxArrayLength) {
        this.maxBulkBytes = maxBulkBytes;
        this.maxArrayLength = maxArrayLength;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof BulkStringHeaderRedisMessage h && h.bulkStringLength() > maxBulkBytes) {
            ReferenceCountUtil.release(msg);
            throw new TooLongFrameException("a bulk string of " + h.bulkStringLength() + " bytes exceeds the maximum of "
                    + maxBulkBytes);
        }
        if (msg instanceof ArrayHeaderRedisMessage h && h.length() > maxArrayLength) {
            ReferenceCountUtil.release(msg);
            throw new TooLongFrameException("a command of " + h.length() + " words exceeds the maximum of " + maxArrayLength);
        }
        ctx.fireChannelRead(msg);
    }
}
