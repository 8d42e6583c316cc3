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

    /**
     * How long a connection may bring nothing back while calls wait on it before it is pinged, and
     * how long the ping may go unanswered before the connection is dropped and made anew (gRPC
     * allows no less than 10 s). A partition that drops one direction leaves a TCP connection that
     * neither side closes: calls on it waited for good, and a store's HTTP clients timed out for
     * a whole minute after the partition had healed (the fault suite's finding 14).
     */
    public static final long KEEPALIVE_SECONDS = 10;
    public static final long KEEPALIVE_TIMEOUT_SECONDS = 3;
    /** The ping interval a server must allow its peers (below {@link #KEEPALIVE_SECONDS}, or gRPC closes them as abusive). */
    public static final long PERMIT_KEEPALIVE_SECONDS = 5;

    /** {@code builder} with the keepalive every ringcache channel uses. */
    public static io.grpc.ManagedChannelBuilder<?> keepAlive(io.grpc.ManagedChannelBuilder<?> builder) {
        return builder.keepAliveTime(KEEPALIVE_SECONDS, TimeUnit.SECONDS)
                .keepAliveTimeout(KEEPALIVE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

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
