package io.ringcache.node.adapter.grpc;

import io.grpc.stub.StreamObserver;
import io.ringcache.testing.Poll;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A call a fake store received and has not answered yet; the test answers it by hand. */
record HeldCall(Object request, StreamObserver<Object> reply) {

    /** The next call the fake store got, waiting up to {@link Poll#DEFAULT}. */
    static HeldCall take(LinkedBlockingQueue<HeldCall> from) throws InterruptedException {
        HeldCall h = from.poll(Poll.DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
        if (h == null) {
            throw new AssertionError("the fake store got no call");
        }
        return h;
    }

    /** Answers the call with {@code reply} and ends it. */
    void answer(Object reply) {
        reply().onNext(reply);
        reply().onCompleted();
    }

    /** {@code observer} as the untyped observer a held call keeps. */
    @SuppressWarnings("unchecked")
    static StreamObserver<Object> untyped(StreamObserver<?> observer) {
        return (StreamObserver<Object>) observer;
    }
}
