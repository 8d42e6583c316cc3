package io.ringcache.client.adapter.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.ringcache.transport.TransportTls;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One shared channel per address (stores and placement driver members), closed together: TLS
 * when the client was built with it, plaintext otherwise. A channel to a store that restarted does
 * not wait out gRPC's reconnect backoff ({@link io.ringcache.transport.PeerChannel}).
 */
final class ClientChannels implements AutoCloseable {

    private final Map<String, io.ringcache.transport.PeerChannel> channels = new ConcurrentHashMap<>();
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final ChannelCredentials credentials;
    private final ClientInterceptor[] interceptors;
    private volatile boolean closed;

    /**
     * @param tls           the client's TLS, or null for plaintext
     * @param authorization what every call carries as its {@code authorization} metadata (Basic or
     *                      Bearer credentials), or null for none. Sent on plaintext channels too, as
     *                      etcd's clients do: over plaintext a password is as exposed as the data.
     */
    ClientChannels(TransportTls tls, String authorization) {
        this.credentials = tls == null ? InsecureChannelCredentials.create() : tls.channelCredentials();
        this.interceptors = authorization == null ? new ClientInterceptor[0]
                : new ClientInterceptor[] {new Authorizing(authorization)};
    }

    ManagedChannel to(String address) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        return channels.computeIfAbsent(address, a -> new io.ringcache.transport.PeerChannel(
                io.ringcache.transport.PeerChannel.keepAlive(Grpc.newChannelBuilder(a, credentials)).intercept(interceptors)
                        .maxInboundMessageSize(64 << 20).build())).get();
    }

    /** Adds the caller's credentials to every call's metadata. */
    private static final class Authorizing implements ClientInterceptor {
        private final String authorization;

        Authorizing(String authorization) {
            this.authorization = authorization;
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void start(Listener<R> listener, Metadata headers) {
                    headers.put(AUTHORIZATION, authorization);
                    super.start(listener, headers);
                }
            };
        }
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(c -> c.channel().shutdownNow());
        for (io.ringcache.transport.PeerChannel c : channels.values()) {
            try {
                c.channel().awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
