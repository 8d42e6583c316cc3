package io.ringcache.node.adapter.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.ringcache.proto.v1.Invalidation;
import io.ringcache.shard.adapter.ratis.ShardApplyListener;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * One {@code WatchInvalidations} call: an apply listener on each watched shard that buffers the
 * changed keys, and a drainer that sends them when the client's transport is ready.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li><b>Complete from the first message.</b> The listener is registered before the shard's
 *       applied index S0 is read, and the first message of each shard carries at least S0: every
 *       change at an index above S0 is in this message or a later one.</li>
 *   <li><b>Per shard, indexes grow and no key is lost.</b> A shard has at most one pending
 *       message; entries applied while it waits merge into it (keys appended, index raised,
 *       {@code all} sticky). A reset drops the pending keys (the {@code all} flag covers them).</li>
 *   <li><b>The apply thread never blocks</b> on the network: it only appends under a short lock
 *       and at most schedules one drain. All {@code out} calls happen in the single active drain,
 *       so they are serialized.</li>
 *   <li><b>Bounded.</b> More than {@code maxBufferedKeys} unsent keys end the stream with
 *       RESOURCE_EXHAUSTED (the client must drop what it cached): a slow reader never holds
 *       unbounded memory. A shard leaving this store ends it with FAILED_PRECONDITION.</li>
 *   <li><b>No leak.</b> Every way the stream ends (cancel, error, overflow, shard removed)
 *       unregisters all its listeners.</li>
 * </ul>
 */
final class InvalidationStream implements ShardApplyListener {

    /** The pending message of one shard. */
    private static final class Pending {
        final int shardId;
        long index = -1;
        boolean all;
        boolean queued;
        final ArrayList<byte[]> keys = new ArrayList<>();

        Pending(int shardId) {
            this.shardId = shardId;
        }
    }

    private final ShardGroupHost host;
    private final ServerCallStreamObserver<Invalidation> out;
    private final Executor executor;
    private final int maxBufferedKeys;
    private final int[] shards;

    private final Object lock = new Object();
    private final Map<Integer, Pending> pending = new HashMap<>();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int bufferedKeys;
    private boolean draining;
    /** Set once: the error to end the stream with; nothing more is buffered after it. */
    private Status failure;
    private boolean finished;

    InvalidationStream(ShardGroupHost host, ServerCallStreamObserver<Invalidation> out, Executor executor,
                       int maxBufferedKeys, int[] shards) {
        this.host = host;
        this.out = out;
        this.executor = executor;
        this.maxBufferedKeys = maxBufferedKeys;
        this.shards = shards;
        for (int shard : shards) {
            pending.put(shard, new Pending(shard));
        }
    }

    /**
     * Registers on every shard and queues each shard's opening message. Must run inside the gRPC
     * method call (handlers are set there). On a shard not hosted here the stream fails with
     * FAILED_PRECONDITION and nothing stays registered.
     */
    void start() {
        out.setOnCancelHandler(() -> fail(Status.CANCELLED.withDescription("cancelled by the client")));
        out.setOnReadyHandler(this::scheduleDrain);
        for (int shard : shards) {
            if (!host.addApplyListener(shard, this)) {
                fail(Status.FAILED_PRECONDITION.withDescription("shard " + shard + " is not hosted on this store"));
                return;
            }
        }
        for (int shard : shards) {
            // Read after registering: everything above this index reaches the listener.
            long from = Math.max(0, host.appliedIndex(shard));
            synchronized (lock) {
                if (failure != null) {
                    return;
                }
                Pending p = pending.get(shard);
                p.index = Math.max(p.index, from);
                enqueue(p);
            }
        }
        scheduleDrain();
    }

    @Override
    public void applied(int shardId, long index, List<byte[]> keys) {
        synchronized (lock) {
            if (failure != null) {
                return;
            }
            Pending p = pending.get(shardId);
            if (p == null) {
                return;
            }
            if (!p.all) {
                p.keys.addAll(keys);
                bufferedKeys += keys.size();
            }
            p.index = Math.max(p.index, index);
            enqueue(p);
            if (bufferedKeys > maxBufferedKeys) {
                failLocked(Status.RESOURCE_EXHAUSTED.withDescription("the client reads invalidations too slowly: more than "
                        + maxBufferedKeys + " keys buffered; drop the near cache and resubscribe"));
            }
        }
        scheduleDrain();
    }

    @Override
    public void reset(int shardId, long index) {
        synchronized (lock) {
            if (failure != null) {
                return;
            }
            Pending p = pending.get(shardId);
            if (p == null) {
                return;
            }
            bufferedKeys -= p.keys.size();
            p.keys.clear();
            p.all = true;
            p.index = Math.max(p.index, index);
            enqueue(p);
        }
        scheduleDrain();
    }

    @Override
    public void stopped(int shardId) {
        fail(Status.FAILED_PRECONDITION.withDescription("shard " + shardId
                + " is no longer hosted on this store (moved or removed): drop it and resubscribe where it is"));
    }

    private void enqueue(Pending p) {
        if (!p.queued) {
            p.queued = true;
            queue.add(p);
        }
    }

    private void fail(Status status) {
        synchronized (lock) {
            failLocked(status);
        }
        scheduleDrain();
    }

    private void failLocked(Status status) {
        if (failure == null) {
            failure = status;
            queue.clear();
            bufferedKeys = 0;
        }
    }

    /** Starts a drain unless one is running (it will see the new work). Never blocks. */
    private void scheduleDrain() {
        synchronized (lock) {
            if (draining || finished) {
                return;
            }
            draining = true;
        }
        executor.execute(this::drain);
    }

    /** The single active drainer: sends pending messages while the transport is ready, or the failure. */
    private void drain() {
        while (true) {
            Invalidation message;
            Status end = null;
            synchronized (lock) {
                if (failure != null) {
                    end = failure;
                    finished = true;
                    draining = false;
                    message = null;
                } else if (queue.isEmpty() || !out.isReady()) {
                    // Checked under the lock the ready handler also takes: a readiness change after
                    // this check schedules a new drain, so nothing stalls.
                    draining = false;
                    return;
                } else {
                    message = take(queue.poll());
                }
            }
            if (end != null) {
                unregister();
                if (end.getCode() != Status.Code.CANCELLED) {
                    try {
                        out.onError(end.asRuntimeException());
                    } catch (RuntimeException ignored) {
                        // The call is already closed.
                    }
                }
                return;
            }
            try {
                out.onNext(message);
            } catch (RuntimeException e) {
                fail(Status.CANCELLED.withDescription("send failed: " + e));
                return;
            }
        }
    }

    private Invalidation take(Pending p) {
        Invalidation.Builder b = Invalidation.newBuilder().setShardId(p.shardId).setAppliedIndex(p.index).setAll(p.all);
        if (!p.all) {
            for (byte[] key : p.keys) {
                b.addKeys(UnsafeByteOperations.unsafeWrap(key));
            }
        }
        bufferedKeys -= p.keys.size();
        p.keys.clear();
        p.all = false;
        p.queued = false;
        return b.build();
    }

    private void unregister() {
        for (int shard : shards) {
            host.removeApplyListener(shard, this);
        }
    }
}
