package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.LeaderReadLease;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;

/**
 * Every leader transfer a store starts goes through here (a placement move, a graceful stop, a
 * stepping-down to abort a membership change, a leader that lost its appender): the shard's read
 * lease is suspended first, because a transfer's target stands without a pre-vote and may win
 * while the lease would still hold, and resumed when Ratis answers, with a quiet period of the
 * maximum election timeout for a target still winning ({@link LeaderReadLease}).
 */
final class LeaderTransfers {

    private final RaftServer server;
    private final RaftPeerId self;
    private final ClientId clientId;
    private final AtomicLong callIds;
    private final LeaderReads reads;
    private final long quietNanos;

    LeaderTransfers(RaftServer server, RaftPeerId self, ClientId clientId, AtomicLong callIds, LeaderReads reads,
                    long quietNanos) {
        this.server = server;
        this.self = self;
        this.clientId = clientId;
        this.callIds = callIds;
        this.reads = reads;
        this.quietNanos = quietNanos;
    }

    /**
     * Asks this replica (the shard's leader) to hand leadership to {@code target}, or to any other
     * replica when null, within {@code timeoutMillis}. Never throws: a failure completes the reply.
     */
    CompletableFuture<RaftClientReply> transfer(int shardId, String target, long timeoutMillis) {
        LeaderReadLease lease = reads.leaseOf(shardId);
        lease.suspend();
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = server.transferLeadershipAsync(new TransferLeadershipRequest(clientId, self,
                    ShardGroups.groupId(shardId), callIds.incrementAndGet(),
                    target == null ? null : RaftPeerId.valueOf(target), timeoutMillis));
        } catch (IOException | RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return reply.whenComplete((r, error) -> lease.resume(reads.now(), quietNanos));
    }

    /** {@link #transfer}, waiting for Ratis' answer; a refusal or a timeout is an IOException. */
    void transferAndWait(int shardId, String target, long timeoutMillis) throws IOException {
        RaftClientReply reply;
        try {
            reply = transfer(shardId, target, timeoutMillis).get(timeoutMillis + 10_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while handing shard " + shardId + " to " + target, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("leader transfer of shard " + shardId + " failed: " + e.getMessage(), e);
        }
        if (!reply.isSuccess()) {
            throw new IOException("leader transfer of shard " + shardId + " failed: " + reply.getException());
        }
    }
}
