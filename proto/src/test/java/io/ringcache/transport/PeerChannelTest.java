package io.ringcache.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PeerChannelTest {

    /** A channel in a set state that counts the reconnects it was told to make. */
    static final class StateChannel extends ManagedChannel {
        volatile ConnectivityState state = ConnectivityState.READY;
        int resets;

        @Override
        public ConnectivityState getState(boolean requestConnection) {
            return state;
        }

        @Override
        public void resetConnectBackoff() {
            resets++;
        }

        @Override
        public ManagedChannel shutdown() {
            return this;
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public ManagedChannel shutdownNow() {
            return this;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return true;
        }

        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String authority() {
            return "peer";
        }
    }

    @Test
    void aChannelWaitingOutItsBackoffIsToldToReconnectAtMostOnceASecond() throws Exception {
        StateChannel c = new StateChannel();
        PeerChannel peer = new PeerChannel(c);
        assertSame(c, peer.get());
        assertEquals(0, c.resets, "a connected channel is left alone");

        c.state = ConnectivityState.TRANSIENT_FAILURE;
        peer.get();
        peer.get();
        assertEquals(1, c.resets, "once, then not again within a second");

        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PeerChannel.RESET_GAP_NANOS) + 50);
        peer.get();
        assertEquals(2, c.resets);

        c.state = ConnectivityState.IDLE;
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(PeerChannel.RESET_GAP_NANOS) + 50);
        peer.get();
        assertEquals(2, c.resets, "an idle channel connects on its next call anyway");
    }
}
