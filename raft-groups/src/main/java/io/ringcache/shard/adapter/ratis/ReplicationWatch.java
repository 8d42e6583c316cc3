package io.ringcache.shard.adapter.ratis;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftConfiguration;
import org.apache.ratis.server.RaftServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, once per tick on the host's ticker thread, that every shard this host leads replicates
 * to every member of its configuration, and hands leadership on when one is left out.
 *
 * <p>Ratis 3.3.0's leader can stop replicating to a voter for good: when a staging fails it stops
 * the log appender of every peer it counts as not caught up, and it counts a voter so after it
 * restarted the appender to it (a failed appender thread). Nothing starts that appender again but
 * a new leader, which opens one to every member. So a member that has had no appender on this
 * leader for {@link #GRACE_NANOS} (longer than any membership change leaves one missing) gets a
 * new leader: the voter that answered this one most recently, or an election when none can take
 * over. Shards with a membership change pending here are left alone: the change's own watch
 * ({@link ShardMembership}) owns them, and Ratis refuses transfers while it stages.
 */
final class ReplicationWatch {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationWatch.class);

    /** How long a member may lack an appender before leadership moves. */
    static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final ShardGroupHost host;
    private final ShardMembership membership;
    private final RaftPeerId self;
    private final LeaderTransfers transfers;
    private final long transferTimeoutMillis;
    /** Shard to the time (System.nanoTime) its missing member was first seen; ticker thread only. */
    private final Map<Integer, Long> missingSince = new HashMap<>();

    ReplicationWatch(ShardGroupHost host, ShardMembership membership, LeaderTransfers transfers, RaftPeerId self,
                     long transferTimeoutMillis) {
        this.host = host;
        this.membership = membership;
        this.transfers = transfers;
        this.self = self;
        this.transferTimeoutMillis = transferTimeoutMillis;
    }

    /** One check of every hosted shard. Never throws. */
    void tick() {
        try {
            long now = System.nanoTime();
            for (int shardId : host.hostedShards()) {
                check(shardId, now);
            }
        } catch (RuntimeException e) {
            LOG.warn("replication check failed on {}", self, e);
        }
    }

    private void check(int shardId, long now) {
        RaftServer.Division d = host.division(shardId).orElse(null);
        if (d == null || !host.isReadyLeader(shardId) || membership.changing(shardId)) {
            missingSince.remove(shardId);
            return;
        }
        RaftConfiguration conf = d.getRaftConf();
        if (!conf.getPreviousPeers().isEmpty()) {
            return; // a change is being committed: appenders follow the configuration in a moment
        }
        Map<String, Long> ages = ShardMembership.answerAges(d);
        Set<String> voters = ShardMembership.ids(conf.getCurrentPeers());
        Set<String> missing = new HashSet<>(voters);
        missing.addAll(ShardMembership.ids(conf.getCurrentPeers(RaftPeerRole.LISTENER)));
        missing.remove(self.toString());
        missing.removeAll(ages.keySet());
        if (missing.isEmpty()) {
            missingSince.remove(shardId);
            return;
        }
        long since = missingSince.computeIfAbsent(shardId, k -> now);
        if (now - since < GRACE_NANOS) {
            return;
        }
        missingSince.put(shardId, now); // one attempt per grace period
        String heir = ages.entrySet().stream().filter(e -> voters.contains(e.getKey()))
                .min(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        LOG.warn("shard {}: leader {} has not replicated to {} for {} s (Ratis stopped its appender); handing "
                        + "leadership to {}", shardId, self, missing, TimeUnit.NANOSECONDS.toSeconds(now - since),
                heir == null ? "an election" : heir);
        transfers.transfer(shardId, heir, transferTimeoutMillis).whenComplete((reply, error) -> {
            if (error != null) {
                LOG.warn("shard {}: handing leadership on failed", shardId, error);
            }
        });
    }
}
