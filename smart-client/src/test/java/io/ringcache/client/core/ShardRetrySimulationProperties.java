package io.ringcache.client.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.routing.TokenPlanner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A seeded simulation of one write's retry loop ({@link ShardRetry}) against scripted stores:
 * a shard on three stores whose leader moves and sometimes vanishes, stores that go down, replies
 * lost after the write applied, NotLeader with and without hints, StaleEpoch, and a map that lags.
 * The shard applies a write once per (client, sequence), as the real one does; the loop keeps
 * the sequence, so the invariant is exactly-once: never applied twice, and applied whenever the
 * loop reports success. Also: no attempt leaves at or after the deadline, a refusal is never
 * retried, a hint is followed at once, and once the cluster settles the write gets through. A
 * failing seed reproduces the run.
 */
class ShardRetrySimulationProperties {

    private static final List<String> STORES = List.of("a", "b", "c");
    private static final long MS = 1_000_000;

    /** The scripted cluster: the truth, and what the client's map says of it. */
    private static final class Cluster {
        final Random random;
        String leader;
        final Set<String> down = new HashSet<>();
        String mapLeader;
        long epoch = 1;
        int applied;
        boolean settled;
        final boolean refuse;

        Cluster(Random random) {
            this.random = random;
            this.leader = STORES.get(random.nextInt(3));
            this.mapLeader = random.nextBoolean() ? leader : STORES.get(random.nextInt(3));
            this.refuse = random.nextInt(20) == 0;
        }

        RouteTable table() {
            return new RouteTable(epoch, TokenPlanner.initial(new int[] {0}),
                    Map.of(0, new RouteTable.ShardRoute(0, STORES, mapLeader == null ? "" : mapLeader)),
                    Map.of("a", store("a"), "b", store("b"), "c", store("c")));
        }

        private static RouteTable.StoreRoute store(String id) {
            return new RouteTable.StoreRoute(id, id + ":9000", true);
        }

        /** The world moves between attempts, until it settles. */
        void churn() {
            if (settled) {
                down.clear();
                if (leader == null) {
                    leader = "a";
                }
                return;
            }
            int r = random.nextInt(10);
            if (r == 0) {
                leader = random.nextInt(4) == 0 ? null : STORES.get(random.nextInt(3)); // an election
                epoch++;
            } else if (r == 1) {
                String s = STORES.get(random.nextInt(3));
                if (!down.remove(s) && down.size() < 1) {
                    down.add(s);
                }
            }
        }

        /** One attempt at {@code address}: the failure it meets, or null when it applied and answered. */
        Failure attempt(String address, boolean forward) {
            String store = address.substring(0, 1);
            if (down.contains(store)) {
                return new Failure.Unavailable(0, "UNAVAILABLE: connection refused");
            }
            if (refuse) {
                return new Failure.Rejected(Failure.Kind.VALUE_TOO_LARGE, 0, "too large");
            }
            if (!settled && random.nextInt(8) == 0) {
                return new Failure.StaleEpoch(epoch - 1, epoch);
            }
            if (!store.equals(leader)) {
                if (!forward) {
                    String hint = leader == null || (!settled && random.nextInt(3) == 0) ? "" : leader;
                    return new Failure.NotLeader(0, hint, hint.isEmpty() ? "" : hint + ":9000");
                }
                if (leader == null || down.contains(leader)) {
                    return new Failure.Unavailable(0, "no leader");
                }
                // forwarded to the leader, which applies it
            }
            applied = Math.min(applied + 1, 1); // the shard's session table: one application per sequence
            if (!settled && random.nextInt(6) == 0) {
                return new Failure.TimedOut(0, "DEADLINE_EXCEEDED: the reply was lost"); // applied, answer lost
            }
            return null;
        }
    }

    @Property(tries = 2_000)
    void everyWriteAppliesExactlyOnceAndTheLoopKeepsItsPromises(@ForAll long seed) {
        Random random = new Random(seed);
        Cluster cluster = new Cluster(random);
        long now = 0;
        long deadline = (200 + random.nextInt(5_000)) * MS;
        long settleAt = random.nextBoolean() ? deadline / 4 : Long.MAX_VALUE;
        ShardRetry retry = new ShardRetry(0, true, deadline, random::nextDouble, random::nextInt);
        String mustSendTo = null;
        Boolean succeeded = null;
        ShardRetry.Decision d = retry.next(cluster.table(), now);
        for (int steps = 0; succeeded == null; steps++) {
            assertTrue(steps < 100_000, "seed " + seed + ": the loop must end");
            cluster.settled = now >= settleAt;
            if (d instanceof ShardRetry.Decision.Send send) {
                assertTrue(now < deadline, "seed " + seed + ": an attempt left at the deadline");
                if (mustSendTo != null) {
                    assertEquals(mustSendTo, send.address(), "seed " + seed + ": a hint is followed at once");
                    mustSendTo = null;
                }
                now += (1 + random.nextInt(5)) * MS;
                Failure f = cluster.attempt(send.address(), send.forward());
                if (f == null) {
                    succeeded = true;
                    break;
                }
                d = retry.failed(send.address(), f, now);
                if (f instanceof Failure.Rejected) {
                    assertTrue(d instanceof ShardRetry.Decision.Fail fail && !fail.timedOut(),
                            "seed " + seed + ": a refusal is not retried");
                }
            } else if (d instanceof ShardRetry.Decision.Wait wait) {
                assertTrue(wait.millis() >= 0 && now + wait.millis() * MS <= Math.max(now, deadline),
                        "seed " + seed + ": a wait never runs past the deadline");
                now += wait.millis() * MS;
                cluster.mapLeader = cluster.leader; // the wait refreshed the map
                cluster.churn();
                d = retry.next(cluster.table(), now);
            } else if (d instanceof ShardRetry.Decision.Refresh) {
                cluster.mapLeader = cluster.leader;
                cluster.churn();
                d = retry.next(cluster.table(), now);
            } else if (d instanceof ShardRetry.Decision.FollowHint hint) {
                cluster.mapLeader = hint.storeId();
                mustSendTo = hint.address();
                d = retry.next(cluster.table(), now);
            } else {
                succeeded = false;
            }
        }
        assertTrue(cluster.applied <= 1, "seed " + seed + ": applied twice");
        if (succeeded) {
            assertEquals(1, cluster.applied, "seed " + seed + ": success without the write applied");
        }
        // Once settled, the longest wait is the backoff's cap (1 s): 2.1 s leave room for the attempts that follow.
        if (deadline - settleAt >= 2_100 * MS && !cluster.refuse) {
            assertTrue(succeeded, "seed " + seed + ": a settled cluster must take the write within the deadline");
        }
    }
}
