package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ExpiryPolicy} on a real engine over the heap store, with explicit times. */
class ExpiryPolicyTest {

    private static final long TTL = 1_000;
    /** The expiry index drains in 100 ms buckets: a key is due once its bucket has passed. */
    private static final long BUCKET = 100;

    private final ShardEngine engine = new ShardEngine(0, new HeapShardStore(), ShardLimits.withBudget(256L << 20));
    private long index;

    @Test
    void aServingLeaderPlansDueKeysOnly() {
        put(3, 0);
        assertEquals(List.of(), ExpiryPolicy.tick(engine, true, false, TTL - 1));
        List<Command.Expire> due = ExpiryPolicy.tick(engine, true, false, TTL + BUCKET);
        assertEquals(3, keys(due));
        assertEquals(List.of(), ExpiryPolicy.tick(engine, true, false, TTL + BUCKET + 1), "drained keys are planned once");
    }

    @Test
    void aFollowerProposesNothingAndForgetsOnlyPastTheGrace() {
        put(3, 0);
        assertEquals(List.of(), ExpiryPolicy.tick(engine, false, false, TTL + BUCKET));
        // Within the grace the follower keeps the entries: it may lead soon and reclaim them.
        List<Command.Expire> asLeader = ExpiryPolicy.tick(engine, true, false, TTL + BUCKET + 1);
        assertEquals(3, keys(asLeader));
        apply(asLeader, TTL + BUCKET + 1);

        put(3, 10 * TTL);
        long late = 11 * TTL + ExpiryPolicy.FOLLOWER_GRACE_MILLIS + BUCKET;
        assertEquals(List.of(), ExpiryPolicy.tick(engine, false, false, late));
        assertEquals(List.of(), ExpiryPolicy.tick(engine, true, false, late), "pruned entries are gone from the index");
        assertEquals(3, keys(ExpiryPolicy.tick(engine, true, true, late)), "a rebuild finds the keys in the store again");
    }

    @Test
    void aTickReclaimsAtMostItsShareAndTheRestWaitsForTheNext() {
        int many = ExpiryPolicy.KEYS_PER_TICK + 2_500;
        put(many, 0);
        List<Command.Expire> first = ExpiryPolicy.tick(engine, true, false, TTL + BUCKET);
        assertEquals(ExpiryPolicy.KEYS_PER_TICK, keys(first));
        assertTrue(first.stream().allMatch(e -> e.keys().size() <= ExpiryPolicy.KEYS_PER_ENTRY));
        assertEquals(2_500, keys(ExpiryPolicy.tick(engine, true, false, TTL + 2 * BUCKET)));
    }

    private void put(int count, long at) {
        List<Command> puts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            puts.add(new Command.Put(("k" + at + "-" + i).getBytes(StandardCharsets.UTF_8), new byte[] {1}, TTL));
            if (puts.size() == 1_000 || i == count - 1) {
                engine.apply(++index, new CommandBatch(at, puts));
                puts = new ArrayList<>();
            }
        }
    }

    private void apply(List<Command.Expire> planned, long at) {
        engine.apply(++index, new CommandBatch(at, List.copyOf(planned)));
    }

    private static int keys(List<Command.Expire> planned) {
        return planned.stream().mapToInt(e -> e.keys().size()).sum();
    }
}
