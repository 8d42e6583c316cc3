package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.core.LeaderReadLease;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every leader transfer a store starts goes through here (a placement move, a graceful stop, a
 * stepping-down to abort a membership change, a leader that lost its appender): the shard's read
 * lease is suspended first, because a transfer's target stands without a pre-vote and may win
 * while the lease would still hold, and resumed when Ratis answers, with a quiet period of the
 * maximum election timeout for a target still winning ({@link LeaderReadLease}).
 *
 * <p>It also works around a Ratis 3.3.0 bug: a transfer that fails at once (its target just
 * died) is left pending inside Ratis, and the shard refuses every write until some leader is
 * elected, which with a live leader may never happen (chaos README, finding 22: shard 0 refused
 * writes for 14 s). A target that has not answered this leader for half the maximum election
 * timeout (heartbeats go every half minimum) is refused before Ratis is asked, which avoids that
 * path for a target that is plainly gone; a reply that says Ratis took it anyway makes this
 * replica step down, so an election ends it.
 */
final class LeaderTransfers {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderTransfers.class);

    /** What this class asks of Ratis; tests answer as Ratis 3.3.0 does. */
    interface Ratis {
        CompletableFuture<RaftClientReply> transferLeadershipAsync(TransferLeadershipRequest request) throws IOException;

        /** Milliseconds since {@code peer} last answered this replica as the shard's leader; null when not known. */
        Long answerAgeMillis(int shardId, String peer);
    }

    private final Ratis server;
    private final RaftPeerId self;
    private final ClientId clientId;
    private final AtomicLong callIds;
    private final LeaderReads reads;
    private final long quietNanos;

    LeaderTransfers(RaftServer server, RaftPeerId self, ClientId clientId, AtomicLong callIds, LeaderReads reads,
                    long quietNanos) {
        this(new Ratis() {
            @Override
            public CompletableFuture<RaftClientReply> transferLeadershipAsync(TransferLeadershipRequest request) throws IOException {
                return server.transferLeadershipAsync(request);
            }

            @Override
            public Long answerAgeMillis(int shardId, String peer) {
                try {
                    return ShardMembership.answerAges(server.getDivision(ShardGroups.groupId(shardId))).get(peer);
                } catch (IOException e) {
                    return null; // not hosted: Ratis refuses the transfer itself
                }
            }
        }, self, clientId, callIds, reads, quietNanos);
    }

    LeaderTransfers(Ratis server, RaftPeerId self, ClientId clientId, AtomicLong callIds, LeaderReads reads, long quietNanos) {
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
        Long silent = target == null ? null : server.answerAgeMillis(shardId, target);
        if (silent != null && silent > quietNanos / 2_000_000) {
            return CompletableFuture.failedFuture(new IOException("shard " + shardId + ": " + target + " has not answered its leader for "
                    + silent + " ms; leadership is not handed to it"));
        }
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
        return reply.whenComplete((r, error) -> {
            lease.resume(reads.now(), quietNanos);
            if (target != null && r != null && !r.isSuccess() && leftPendingByRatis(r.getException())) {
                // Ratis left the failed transfer pending, and the shard refuses writes until a leader
                // is elected: step down, so one is (this replica again, or another) within an election.
                LOG.warn("shard {}: the transfer to {} failed at once and Ratis left it pending, refusing the shard's "
                        + "writes ({}); this replica steps down so an election ends it", shardId, target, r.getException().getMessage());
                transfer(shardId, null, Math.max(timeoutMillis, quietNanos / 1_000_000));
            }
        });
    }

    /**
     * The results with which Ratis 3.3.0's {@code TransferLeadership.start} answers a transfer at
     * once without clearing it: the target's StartLeaderElection call failed before the leader
     * looked (a target that just died), or the leader had no follower record or log appender for
     * it. The transfer stays pending, and while one is pending the leader refuses every write
     * ({@code LeaderSteppingDownException}) and every other transfer, until some leader is
     * elected in the group (chaos README, finding 22). Ratis formats the reply's message as
     * "... (the current leader is X): RESULT ...".
     */
    private static final Pattern LEFT_PENDING = Pattern.compile("\\(the current leader is [^)]*\\): (COMPLETED_EXCEPTIONALLY|NULL_FOLLOWER|NULL_LOG_APPENDER)\\b");

    /** Whether a failed transfer's exception says Ratis left the transfer pending ({@link #LEFT_PENDING}). */
    static boolean leftPendingByRatis(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && LEFT_PENDING.matcher(t.getMessage()).find()) {
                return true;
            }
        }
        return false;
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
