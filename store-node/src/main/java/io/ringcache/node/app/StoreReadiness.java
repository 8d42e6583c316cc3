package io.ringcache.node.app;

import io.ringcache.node.core.CurrentMap;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.CommandCodec;
import io.ringcache.shard.core.Query;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code /ready} answers: whether this store can take its share of the cluster's work, so
 * that Kubernetes may route to it and a rolling restart may go on to the next store.
 *
 * <p>Ready means: registered with placement; every replica placed here is hosted and knows a
 * leader; a replica that leads has committed an entry of its term; and every voting follower
 * replica has <b>caught up</b> (a learner, still being added, does not count: its lag costs no
 * shard its majority): a ReadIndex round from it (Ratis' follower read of an empty batch) completes
 * within {@link #CATCH_UP_WAIT_MILLIS}, i.e. it has applied everything its leader had committed
 * when asked. Without the last check a store restarted after a crash was "ready" while its
 * replicas were still thousands of entries behind, and a rolling restart (or the fault suite's
 * next fault) that took down a second store then left shards with no responsive majority: the
 * leader, hearing from neither follower, stepped down (chaos/README.md, finding 15).
 *
 * <p>Cost: one ReadIndex call to the leader per follower replica per probe; Kubernetes probes
 * every 5 s. The wait fits the probe's 3 s timeout (k8s/base/store.yaml).
 */
final class StoreReadiness {

    private static final Logger LOG = LoggerFactory.getLogger(StoreReadiness.class);
    /** How long a follower's ReadIndex round may take for it to count as caught up. */
    static final long CATCH_UP_WAIT_MILLIS = 1_000;
    private static final byte[] EMPTY_READ = CommandCodec.encode(new Query.BatchGet(List.of()));

    private final String storeId;
    private final ShardGroupHost host;
    private final CurrentMap currentMap;
    private final BooleanSupplier registered;
    /** The last answer's reason ("" = ready), so only changes are logged. */
    private volatile String lastAnswer;

    StoreReadiness(String storeId, ShardGroupHost host, CurrentMap currentMap, BooleanSupplier registered) {
        this.storeId = storeId;
        this.host = host;
        this.currentMap = currentMap;
        this.registered = registered;
    }

    /** True when ready (above); blocks for at most {@link #CATCH_UP_WAIT_MILLIS}. Logs each change. */
    boolean ready() {
        String why = notReadyBecause();
        String before = lastAnswer;
        if (!why.equals(before)) {
            lastAnswer = why;
            if (why.isEmpty()) {
                LOG.info("store {} is ready", storeId);
            } else {
                LOG.info("store {} is not ready: {}", storeId, why);
            }
        }
        return why.isEmpty();
    }

    /** Why this store is not ready; empty when it is. */
    private String notReadyBecause() {
        if (!registered.getAsBoolean()) {
            return "not registered with placement";
        }
        Optional<PartitionMap> map = currentMap.get();
        if (map.isEmpty()) {
            return "no partition map yet";
        }
        List<Integer> followed = new ArrayList<>();
        List<CompletableFuture<?>> rounds = new ArrayList<>();
        for (ShardInfo s : map.get().shardsOn(storeId)) {
            ShardGroupHost.Role role = host.role(s.id());
            if (role == ShardGroupHost.Role.NOT_HOSTED) {
                return "shard " + s.id() + " is placed here but not hosted yet";
            }
            if (host.leader(s.id()).isEmpty()) {
                return "shard " + s.id() + " has no leader this store knows of";
            }
            if (role == ShardGroupHost.Role.LEADER && !host.isReadyLeader(s.id())) {
                return "shard " + s.id() + " is led here by a leader that has not committed an entry of its term";
            }
            if (role == ShardGroupHost.Role.FOLLOWER || role == ShardGroupHost.Role.CANDIDATE) {
                followed.add(s.id());
                rounds.add(host.query(s.id(), EMPTY_READ, false));
            }
        }
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_WAIT_MILLIS);
        for (int i = 0; i < rounds.size(); i++) {
            try {
                rounds.get(i).get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return "the replica of shard " + followed.get(i) + " has not caught up with its leader within "
                        + CATCH_UP_WAIT_MILLIS + " ms";
            } catch (ExecutionException e) {
                return "the replica of shard " + followed.get(i) + " could not reach its leader: " + e.getCause();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return "";
    }
}
