package io.ringcache.shard.adapter.ratis;

import io.ringcache.shard.adapter.ratis.ShardGroupHost.Replica;
import io.ringcache.shard.adapter.ratis.ShardGroupHost.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.ratis.protocol.RaftPeerId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stopping store's hand-off of every leadership it holds ({@link ShardGroupHost#handOffLeaders}):
 * all shards at once, the other replicas of each tried in turn.
 */
final class LeaderHandOff {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderHandOff.class);

    private final ShardGroupHost host;
    private final LeaderTransfers transfers;
    private final RaftPeerId peerId;

    LeaderHandOff(ShardGroupHost host, LeaderTransfers transfers, RaftPeerId peerId) {
        this.host = host;
        this.transfers = transfers;
        this.peerId = peerId;
    }

    /** The shards still led here when it returns: each was handed away or {@code budget} passed. */
    List<Integer> handOffAll(Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        List<CompletableFuture<Void>> handoffs = new ArrayList<>();
        for (int shard : host.hostedShards()) {
            if (host.role(shard) == Role.LEADER) {
                List<String> others = host.replicas(shard).stream().map(Replica::peerId)
                        .filter(id -> !id.equals(peerId.toString())).toList();
                handoffs.add(handOff(shard, others, 0, deadline));
            }
        }
        try {
            CompletableFuture.allOf(handoffs.toArray(new CompletableFuture<?>[0]))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("{}: leader hand-off ran out of time; remaining leaders step down on close", peerId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return host.hostedShards().stream().filter(s -> host.role(s) == Role.LEADER).toList();
    }

    /** Tries {@code candidates[i..]} in turn as the shard's next leader; never fails. */
    private CompletableFuture<Void> handOff(int shard, List<String> candidates, int i, long deadlineNanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        if (i >= candidates.size() || millis <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        String target = candidates.get(i);
        return transfers.transfer(shard, target, Math.min(3_000, millis)).handle((r, error) -> {
            if (error == null && r.isSuccess()) {
                LOG.info("shard {} leadership handed to {}", shard, target);
                return true;
            }
            LOG.warn("handing shard {} to {} failed: {}", shard, target,
                    error != null ? error.getMessage() : r.getException());
            return false;
        }).thenCompose(handed -> handed ? CompletableFuture.<Void>completedFuture(null)
                : handOff(shard, candidates, i + 1, deadlineNanos));
    }
}
