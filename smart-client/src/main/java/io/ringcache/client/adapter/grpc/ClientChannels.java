package io.ringcache.client.adapter.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.ringcache.transport.TransportTls;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One shared channel per address (stores and placement driver members), closed together: TLS
 * when the client was built with it, plaintext otherwise.
 */
final class ClientChannels implements AutoCloseable {

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final ChannelCredentials credentials;
    private volatile boolean closed;

    /** @param tls the client's TLS, or null for plaintext */
    ClientChannels(TransportTls tls) {
        this.credentials = tls == null ? InsecureChannelCredentials.create() : tls.channelCredentials();
    }

    ManagedChannel to(String address) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        return channels.computeIfAbsent(address, a -> Grpc.newChannelBuilder(a, credentials)
                .maxInboundMessageSize(64 << 20).build());
    }

    @Override
    public void close() {
        closed = true;
        channels.values().forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel c : channels.values()) {
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
