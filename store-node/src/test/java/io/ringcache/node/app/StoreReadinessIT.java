package io.ringcache.node.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.node.core.CurrentMap;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.placement.core.ShardInfo;
import io.ringcache.placement.core.StoreInfo;
import io.ringcache.placement.core.StoreState;
import io.ringcache.routing.TokenPlanner;
import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.adapter.ratis.RatisTuning;
import io.ringcache.shard.adapter.ratis.ShardApplyListener;
import io.ringcache.shard.adapter.ratis.ShardGroupHost;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code /ready} on real Ratis replicas: a store whose follower replica has not applied what its
 * leader committed is not ready, and becomes ready once it has caught up.
 */
class StoreReadinessIT {

    private static final int SHARD = 0;

    private Path root;
    private final List<ShardGroupHost> hosts = new ArrayList<>();
    private final CountDownLatch held = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        held.countDown();
        for (ShardGroupHost h : hosts) {
            h.close();
        }
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
            }
        }
    }

    @Test
    void aFollowerThatHasNotAppliedItsLeadersCommitsIsNotReadyUntilItCatchesUp() throws Exception {
        root = Files.createTempDirectory("store-readiness");
        List<ShardGroupHost.Replica> replicas = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ShardGroupHost h = new ShardGroupHost("s" + i, RatisTuning.defaults(root.resolve("s" + i).toFile()).withPort(0),
                    shard -> new HeapShardStore(), ShardLimits.withBudget(8L << 20), System::currentTimeMillis).start();
            hosts.add(h);
            replicas.add(new ShardGroupHost.Replica(h.peerId(), "127.0.0.1:" + h.raftPort()));
        }
        for (ShardGroupHost h : hosts) {
            h.addShard(SHARD, replicas);
        }
        Poll.until("a ready leader", () -> hosts.stream().anyMatch(h -> h.isReadyLeader(SHARD)));
        ShardGroupHost leader = hosts.stream().filter(h -> h.isReadyLeader(SHARD)).findFirst().orElseThrow();
        ShardGroupHost follower = hosts.stream().filter(h -> h != leader).findFirst().orElseThrow();
        Poll.until("the follower to know its leader", () -> follower.leader(SHARD).isPresent());

        CurrentMap currentMap = new CurrentMap();
        Map<String, StoreInfo> stores = new LinkedHashMap<>();
        for (ShardGroupHost h : hosts) {
            stores.put(h.peerId(), new StoreInfo(h.peerId(), h.peerId() + ":9000", h.peerId() + ":8080", "127.0.0.1:" + h.raftPort(),
                    Map.of(), StoreState.UP));
        }
        currentMap.offer(new PartitionMap(1, TokenPlanner.initial(0),
                Map.of(SHARD, new ShardInfo(SHARD, List.copyOf(stores.keySet()), leader.peerId(), 1)), stores));
        StoreReadiness readiness = new StoreReadiness(follower.peerId(), follower, currentMap, () -> true);
        Poll.until("the follower's store to be ready", readiness::ready);

        // Hold the follower's apply thread on the next entry: it stays behind what the leader and
        // the third replica commit.
        follower.addApplyListener(SHARD, new ShardApplyListener() {
            @Override
            public void applied(int shardId, long index, List<byte[]> keys) {
                try {
                    held.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void reset(int shardId, long index) {
            }

            @Override
            public void stopped(int shardId) {
            }
        });
        leader.submit(SHARD, List.of(new Command.Put("k".getBytes(StandardCharsets.UTF_8),
                "v".getBytes(StandardCharsets.UTF_8), 0))).get(30, TimeUnit.SECONDS);
        assertFalse(readiness.ready(), "a follower that has not applied a committed entry answered ready");

        held.countDown();
        Poll.until("the follower's store to be ready again once it has applied the entry", readiness::ready);
        assertTrue(follower.appliedIndex(SHARD) >= leader.appliedIndex(SHARD) - 1);
    }
}
