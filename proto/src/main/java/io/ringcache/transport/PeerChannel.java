package io.ringcache.transport;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A shared channel to one peer (a store, a placement driver member) that does not sit out gRPC's
 * reconnect backoff once the peer is back. After failed connects gRPC waits longer and longer
 * before trying again (1.6 times more each time, up to two minutes) and meanwhile fails every call
 * at once; a store killed for ten seconds and restarted was still refused for tens of seconds
 * more by stores forwarding to it (the fault suite's finding 12). Whenever the channel is handed
 * out while it is in TRANSIENT_FAILURE, at most once a second, it is told to reconnect now, so a
 * peer that is back is reached within about a second of being used again; a peer that stays down
 * costs one connect attempt a second while it is being called.
 */
public final class PeerChannel {

    /** The least time between two reconnects this channel is told to make at once. */
    static final long RESET_GAP_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final ManagedChannel channel;
    private final AtomicLong lastResetNanos;

    public PeerChannel(ManagedChannel channel) {
        this.channel = channel;
        this.lastResetNanos = new AtomicLong(System.nanoTime() - RESET_GAP_NANOS);
    }

    /** The channel, told to reconnect now if it is waiting out a backoff and was not told so within a second. */
    public ManagedChannel get() {
        if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
            long now = System.nanoTime();
            long last = lastResetNanos.get();
            if (now - last >= RESET_GAP_NANOS && lastResetNanos.compareAndSet(last, now)) {
                channel.resetConnectBackoff();
            }
        }
        return channel;
    }

    /** The channel as it is, for closing. */
    public ManagedChannel channel() {
        return channel;
    }
}
