package io.ringcache.placement.api;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.ringcache.transport.TransportTls;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One shared gRPC channel per store or placement member address, closed together: TLS with this
 * process's certificate (mutual, so the far side knows a member calls) when the process has TLS
 * material, plaintext otherwise. A channel to a peer that restarted does not wait out gRPC's
 * reconnect backoff ({@link io.ringcache.transport.PeerChannel}).
 */
public final class StoreChannels implements AutoCloseable {

    private final Map<String, io.ringcache.transport.PeerChannel> channels = new ConcurrentHashMap<>();
    private final ChannelCredentials credentials;

    /** Plaintext channels. */
    public StoreChannels() {
        this(null);
    }

    /** Channels over {@code tls}, or plaintext when it is null. */
    public StoreChannels(TransportTls tls) {
        this.credentials = tls == null ? InsecureChannelCredentials.create() : tls.channelCredentials();
    }

    public ManagedChannel to(String address) {
        return channels.computeIfAbsent(address, a -> new io.ringcache.transport.PeerChannel(
                io.ringcache.transport.PeerChannel.keepAlive(Grpc.newChannelBuilder(a, credentials)).build())).get();
    }

    @Override
    public void close() {
        for (io.ringcache.transport.PeerChannel c : channels.values()) {
            c.channel().shutdownNow();
        }
        for (io.ringcache.transport.PeerChannel c : channels.values()) {
            try {
                c.channel().awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        channels.clear();
    }
}
