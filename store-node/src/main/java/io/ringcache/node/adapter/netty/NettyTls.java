package io.ringcache.node.adapter.netty;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.ringcache.transport.PeerOnly;
import io.ringcache.transport.TransportTls;
import javax.net.ssl.SSLException;

/** TLS for the node's Netty front doors (HTTP, RESP), from the process's {@link TransportTls}. */
public final class NettyTls {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(NettyTls.class);

    /**
     * Placed right after the TLS handler: a connection that fails TLS (a plaintext client, a
     * certificate from another CA, a broken handshake) is closed with one debug line, not a stack
     * trace per attempt; every other error passes on.
     */
    static final io.netty.channel.ChannelInboundHandler HANDSHAKE_FAILURES = new HandshakeFailures();

    @io.netty.channel.ChannelHandler.Sharable
    private static final class HandshakeFailures extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause;
            if (root instanceof javax.net.ssl.SSLException) {
                LOG.debug("TLS refused {}: {}", ctx.channel().remoteAddress(), root.toString());
                ctx.close();
                return;
            }
            ctx.fireExceptionCaught(cause);
        }
    }

    private NettyTls() {
    }

    /**
     * A server context presenting this process's certificate and asking clients for theirs as
     * {@link TransportTls#clientAuth()} says; the key and trust managers reload their files, so
     * the context never needs rebuilding.
     */
    public static SslContext server(TransportTls tls) {
        try {
            return SslContextBuilder.forServer(tls.keyManager()).trustManager(tls.clientVerifier())
                    .clientAuth(tls.clientAuth() == TransportTls.ClientAuth.REQUIRE ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL)
                    .build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build a TLS server context: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a call on {@code channel} may do what only cluster members do: always on a plaintext
     * connection (TLS off: development), else only when the peer presented a certificate (the
     * handshake checked it against the cluster CA). An HTTP/2 stream looks at its connection.
     */
    public static boolean memberOrPlaintext(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            SslHandler ssl = c.pipeline().get(SslHandler.class);
            if (ssl != null) {
                return PeerOnly.presentedCertificate(ssl.engine().getSession());
            }
        }
        return true;
    }
}
