package io.ringcache.node.adapter.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.ringcache.transport.PeerOnly;
import io.ringcache.transport.TransportTls;
import java.security.cert.Certificate;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS for the node's Netty front doors (HTTP, RESP), from the process's {@link TransportTls}:
 * the Netty context, and who may use what on a TLS connection ({@link #refusal}).
 *
 * <p>The HTTP port always asks for a client certificate without requiring one at the handshake,
 * so Kubernetes probes (which present none) reach {@code /health} and {@code /ready};
 * {@code -tls_client_auth require} is then enforced per request. The Redis port requires it at
 * the handshake.
 */
public final class NettyTls {

    private static final Logger LOG = LoggerFactory.getLogger(NettyTls.class);

    /** The server's TLS, on every connection it accepted. */
    static final AttributeKey<NettyTls> TLS = AttributeKey.valueOf("ringcache.tls");

    private final SslContext context;
    private final TransportTls tls;
    /** Told each refusal's reason ({@code handshake}, {@code forbidden}), for the metrics. */
    private final java.util.function.Consumer<String> refusals;
    /**
     * Placed right after the TLS handler: a connection that fails TLS (a plaintext client, a
     * certificate from another CA, a broken handshake) is counted and closed with one debug line,
     * not a stack trace per attempt; every other error passes on.
     */
    private final ChannelInboundHandler handshakeFailures;

    private NettyTls(SslContext context, TransportTls tls, java.util.function.Consumer<String> refusals) {
        this.context = context;
        this.tls = tls;
        this.refusals = refusals;
        this.handshakeFailures = new HandshakeFailures(refusals);
    }

    /** For the HTTP port: a certificate asked for, never required at the handshake (probes). */
    public static NettyTls forHttp(TransportTls tls, java.util.function.Consumer<String> refusals) {
        return new NettyTls(context(tls, ClientAuth.OPTIONAL), tls, refusals);
    }

    /** For the Redis port: a certificate required at the handshake when {@code -tls_client_auth require}. */
    public static NettyTls forResp(TransportTls tls, java.util.function.Consumer<String> refusals) {
        return new NettyTls(context(tls, tls.clientAuth() == TransportTls.ClientAuth.REQUIRE
                ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL), tls, refusals);
    }

    /** The key and trust managers reload their files, so the context never needs rebuilding. */
    private static SslContext context(TransportTls tls, ClientAuth auth) {
        try {
            return SslContextBuilder.forServer(tls.keyManager()).trustManager(tls.clientVerifier()).clientAuth(auth).build();
        } catch (SSLException e) {
            throw new IllegalArgumentException("cannot build a TLS server context: " + e.getMessage(), e);
        }
    }

    /** Puts a new connection on TLS: the handler first, then the failure filter; marks the channel. */
    void install(Channel ch) {
        ch.attr(TLS).set(this);
        ch.pipeline().addFirst(handshakeFailures).addFirst(context.newHandler(ch.alloc()));
    }

    /**
     * Why an HTTP request for {@code path} on {@code channel} is refused, or null when it may go
     * on. On plaintext (TLS off: development) nothing is refused. On TLS: {@code /join} needs a
     * member's certificate ({@link TransportTls#isMember}); {@code /debug/} (profiles, heap and
     * thread dumps) any certificate from the CA; {@code /health} and {@code /ready} nothing; the
     * rest a certificate only under {@code -tls_client_auth require}. An HTTP/2 stream looks at
     * its connection.
     */
    public static String refusal(Channel channel, String path) {
        for (Channel c = channel; c != null; c = c.parent()) {
            SslHandler ssl = c.pipeline().get(SslHandler.class);
            NettyTls server = c.attr(TLS).get();
            if (ssl == null || server == null) {
                continue;
            }
            String refusal = server.refusal(PeerOnly.peerChain(ssl.engine().getSession()), path);
            if (refusal != null) {
                server.refusals.accept("forbidden");
            }
            return refusal;
        }
        return null;
    }

    /** The handshake-verified chain of the TLS peer on {@code channel} (or its parent's); null without TLS or certificate. */
    public static Certificate[] peerChain(Channel channel) {
        for (Channel c = channel; c != null; c = c.parent()) {
            SslHandler ssl = c.pipeline().get(SslHandler.class);
            if (ssl != null) {
                return PeerOnly.peerChain(ssl.engine().getSession());
            }
        }
        return null;
    }

    private String refusal(Certificate[] chain, String path) {
        boolean certified = chain != null && chain.length > 0;
        if (path.equals("/join")) {
            return tls.isMember(chain) ? null : "a store joins with a member's certificate from the cluster CA";
        }
        if (path.equals("/debug") || path.startsWith("/debug/")) {
            return certified ? null : "profiling needs a client certificate from the cluster CA";
        }
        if (path.equals("/health") || path.equals("/ready")) {
            return null;
        }
        return certified || tls.clientAuth() != TransportTls.ClientAuth.REQUIRE ? null
                : "this store requires a client certificate from the cluster CA";
    }

    @ChannelHandler.Sharable
    private static final class HandshakeFailures extends ChannelInboundHandlerAdapter {
        private final java.util.function.Consumer<String> refusals;

        HandshakeFailures(java.util.function.Consumer<String> refusals) {
            this.refusals = refusals;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
            if (root instanceof SSLException) {
                LOG.debug("TLS refused {}: {}", ctx.channel().remoteAddress(), root.toString());
                refusals.accept("handshake");
                ctx.close();
                return;
            }
            ctx.fireExceptionCaught(cause);
        }
    }
}
