package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.LeaderReadLease;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * Linearizable reads on a shard's leader. While the shard's {@link LeaderReadLease} holds, a read
 * is answered from the leader's own applied state with no round trip, and a renewal barrier goes
 * out in the background once half the lease is gone (about one empty entry per shard per second
 * under a read load, shared through the store's group commit). Otherwise the read waits for a
 * <b>read barrier</b> of its own: an empty entry proposed after the read arrived, committed by a
 * majority in this leader's term and applied here; that also renews the lease.
 *
 * <p>Ratis' ReadIndex is not used on the leader: in 3.3.0 it answers at once, with no heartbeat
 * round, whenever the commit index has not moved past the last one a round confirmed
 * ({@code ReadIndexHeartbeats.addAppendEntriesListener} returns null for {@code commitIndex <=
 * ackedCommitIndex}), which is exactly the state of a deposed leader whose commit index froze; the
 * fault suite caught such a leader serving old values during a leader transfer (chaos/README.md,
 * finding 6). A barrier cannot commit without a majority in the leader's term, so such a leader
 * answers nothing once its lease is gone.
 *
 * <p>Owned by {@link ShardGroupHost}; leader transfers suspend the lease through
 * {@link LeaderTransfers}.
 */
final class LeaderReads {

    /** A shard's lease and whether a background renewal is out. */
    private record ShardLease(LeaderReadLease lease, AtomicBoolean renewing) {
    }

    private final DivisionRequests requests;
    /** The monotonic clock leases are measured with, in nanoseconds ({@code System::nanoTime}). */
    private final LongSupplier clock;
    private final boolean leases;
    private final long leaseNanos;
    private final Map<Integer, ShardLease> byShard = new ConcurrentHashMap<>();
    private volatile IntFunction<CompletableFuture<?>> barrier;

    /**
     * @param leases     answer from the lease when it holds; false: a barrier before every read round
     * @param leaseNanos how long a committed barrier grants, from its proposal (below the minimum
     *                   election timeout, see {@link LeaderReadLease})
     * @param barrier    proposes an empty entry for a shard, no earlier than it is called, and
     *                   completes once it is committed and applied here
     * @param clock      the monotonic clock leases are measured with ({@code System::nanoTime}; the
     *                   fault suite slows it to show what a leader's clock running slow does)
     */
    LeaderReads(DivisionRequests requests, boolean leases, long leaseNanos, IntFunction<CompletableFuture<?>> barrier,
                LongSupplier clock) {
        this.requests = requests;
        this.clock = clock;
        this.leases = leases;
        this.leaseNanos = leaseNanos;
        this.barrier = barrier;
    }

    void barriersThrough(IntFunction<CompletableFuture<?>> barrier) {
        this.barrier = barrier;
    }

    /** Reads {@code query} on this replica, the shard's leader in {@code term}. */
    CompletableFuture<ByteString> read(int shardId, long term, byte[] query) {
        ShardLease s = lease(shardId);
        long now = clock.getAsLong();
        if (leases && s.lease().validAt(term, now)) {
            if (s.lease().wantsRenewal(now) && s.renewing().compareAndSet(false, true)) {
                renew(shardId, term, s.lease()).whenComplete((done, error) -> s.renewing().set(false));
            }
            return local(shardId, query);
        }
        return renew(shardId, term, s.lease()).thenCompose(done -> local(shardId, query));
    }

    /** Now, on the clock leases are measured with. */
    long now() {
        return clock.getAsLong();
    }

    /** The shard's lease (made on first use). */
    LeaderReadLease leaseOf(int shardId) {
        return lease(shardId).lease();
    }

    /** Forgets a shard no longer hosted here. */
    void forget(int shardId) {
        byShard.remove(shardId);
    }

    private ShardLease lease(int shardId) {
        ShardLease s = byShard.get(shardId);
        return s != null ? s : byShard.computeIfAbsent(shardId,
                k -> new ShardLease(new LeaderReadLease(leaseNanos), new AtomicBoolean()));
    }

    private CompletableFuture<?> renew(int shardId, long term, LeaderReadLease lease) {
        long ticket = lease.ticket();
        long proposedAt = clock.getAsLong();
        return barrier.apply(shardId).thenApply(done -> {
            lease.renew(ticket, term, proposedAt);
            return done;
        });
    }

    private CompletableFuture<ByteString> local(int shardId, byte[] query) {
        return requests.call(shardId, query, RaftClientRequest.staleReadRequestType(0));
    }

    /**
     * Holds Raft back until this process has run for the minimum election timeout. A voter that
     * crashed and restarted has forgotten its leader and would grant pre-votes at once, while a
     * read lease it helped grant before the crash may still hold ({@code LeaderReadLease}); the
     * process's uptime bounds from below how long ago its previous incarnation died. JVM start-up
     * usually takes most of that already.
     */
    static void awaitForgottenLeases(java.time.Duration electionTimeoutMin) throws java.io.IOException {
        long wait = electionTimeoutMin.toMillis() - java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.IOException("interrupted while starting", e);
            }
        }
    }
}
