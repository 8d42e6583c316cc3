package io.ringcache.client.adapter.grpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** One shared plaintext channel per address (stores and placement driver members), closed together. */
final class ClientChannels implements AutoCloseable {

    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;

    ManagedChannel to(String address) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        return channels.computeIfAbsent(address, a -> ManagedChannelBuilder.forTarget(a).usePlaintext()
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
