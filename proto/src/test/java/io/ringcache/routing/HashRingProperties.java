package io.ringcache.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class HashRingProperties {

    private static final double MAX_OVER_MEAN = 1.10;

    /** A lookup agrees with a linear scan of the ring for arbitrary (not only planned) rings. */
    @Property
    void lookupAgreesWithLinearScan(@ForAll("rings") HashRing ring, @ForAll long hash) {
        assertEquals(linearScan(ring, hash), ring.shardForHash(hash));
    }

    @Property
    void lookupOnTokensAndTheirNeighbours(@ForAll("rings") HashRing ring, @ForAll @IntRange(max = 1000) int pick) {
        int i = pick % ring.size();
        for (long delta = -1; delta <= 1; delta++) {
            long hash = ring.token(i) + delta;
            assertEquals(linearScan(ring, hash), ring.shardForHash(hash));
        }
    }

    @Test
    void extremesOfTheHashSpace() {
        HashRing ring = HashRing.of(new long[] {10, Long.MAX_VALUE, -5}, new int[] {1, 2, 3});
        assertEquals(1, ring.shardForHash(0));
        assertEquals(1, ring.shardForHash(10));
        assertEquals(2, ring.shardForHash(11));
        assertEquals(3, ring.shardForHash(Long.MIN_VALUE));
        assertEquals(3, ring.shardForHash(-5));
        assertEquals(1, ring.shardForHash(-4), "past the largest token wraps to the first");
        assertEquals(1, ring.shardForHash(-1));
    }

    /**
     * The balance and movement sweep, exact over the hash space: grow from 1 to 1,024
     * shards one at a time. At every count the fullest shard holds at most 1.10x the mean; each
     * addition moves within 10% of 1/(N+1) of the hash space, all of it to the new shard.
     */
    @Test
    void growingFromOneTo1024ShardsStaysBalancedAndMovesOnlyToTheNewShard() {
        HashRing ring = TokenPlanner.initial(0);
        for (int n = 1; n < 1024; n++) {
            HashRing grown = TokenPlanner.addShard(ring, n);
            assertMovesOnlyTo(ring, grown, n, 1.0 / (n + 1));
            assertBalanced(grown, n + 1);
            ring = grown;
        }
    }

    @Property(tries = 60)
    void initialRingsAreBalanced(@ForAll @IntRange(min = 1, max = 1024) int shards) {
        assertBalanced(TokenPlanner.initial(shardIds(shards)), shards);
    }

    /** Sampled real keys: moved keys all go to the new shard, none between old shards. */
    @Property(tries = 40)
    void addingAShardMovesKeysOnlyToIt(@ForAll @IntRange(min = 1, max = 300) int shards, @ForAll long seed) {
        HashRing before = TokenPlanner.initial(shardIds(shards));
        HashRing after = TokenPlanner.addShard(before, shards);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] key = new byte[16];
        for (int k = 0; k < 20_000; k++) {
            fill(random, key);
            int from = before.shardForKey(key);
            int to = after.shardForKey(key);
            assertTrue(from == to || to == shards, "key moved between old shards " + from + " -> " + to);
        }
    }

    @Property(tries = 40)
    void removingAShardMovesOnlyItsKeysAndStaysBalanced(
            @ForAll @IntRange(min = 2, max = 512) int shards, @ForAll @IntRange(max = 511) int victimPick) {
        int victim = victimPick % shards;
        HashRing before = TokenPlanner.initial(shardIds(shards));
        HashRing after = TokenPlanner.removeShard(before, victim);
        for (int i = 0; i < before.size(); i++) {
            if (before.owner(i) != victim) {
                assertEquals(before.owner(i), after.owner(i), "slot " + i + " moved between survivors");
            }
        }
        assertBalanced(after, shards - 1);
    }

    /**
     * Any sequence of splits: each moves keys only from the parent to the child, exactly the keys
     * of the plan's moving slots, halves the parent's share (the child takes the smaller half by at
     * most one slot), and the ring keeps every slot owned by exactly one shard.
     */
    @Property(tries = 40)
    void splitsMoveOnlyTheirSlotsFromParentToChild(@ForAll @IntRange(min = 1, max = 64) int shards,
                                                  @ForAll("splitPicks") java.util.List<Integer> picks, @ForAll long seed) {
        HashRing ring = TokenPlanner.initial(shardIds(shards));
        SplittableRandom random = new SplittableRandom(seed);
        byte[] key = new byte[16];
        int next = shards;
        for (int pick : picks) {
            int[] ids = ring.shardIds();
            int parent = ids[pick % ids.length];
            int child = next++;
            double parentShare = ring.shares().get(parent);
            TokenPlanner.SplitPlan plan = TokenPlanner.planSplit(ring, parent, child);
            HashRing after = plan.ring();
            long slotCount = 1L << plan.slotBits();
            assertEquals(slotCount, after.size());
            java.util.Set<Integer> moving = new java.util.HashSet<>();
            for (int s : plan.movingSlots()) {
                moving.add(s);
                assertEquals(child, after.owner(s));
            }
            for (int k = 0; k < 2_000; k++) {
                fill(random, key);
                long hash = KeyHash.of(key);
                int from = ring.shardForHash(hash);
                int to = after.shardForHash(hash);
                boolean inPlan = moving.contains((int) (hash >>> (64 - plan.slotBits())));
                assertEquals(inPlan, to == child, "the plan's slots are exactly the child's");
                assertTrue(from == to || (from == parent && to == child), "key moved " + from + " -> " + to);
            }
            double childShare = after.shares().get(child);
            double keptShare = after.shares().get(parent);
            assertEquals(parentShare, childShare + keptShare, 1e-9);
            assertTrue(childShare <= keptShare + 1e-12 && keptShare - childShare <= 1.0 / slotCount + 1e-12,
                    "child " + childShare + " vs parent " + keptShare);
            ring = after;
        }
    }

    @Provide
    Arbitrary<java.util.List<Integer>> splitPicks() {
        return Arbitraries.integers().between(0, 10_000).list().ofMinSize(1).ofMaxSize(12);
    }

    @Test
    void aSplitNeedsAKnownParentAndANewChild() {
        HashRing ring = TokenPlanner.initial(0, 1);
        assertThrows(IllegalArgumentException.class, () -> TokenPlanner.planSplit(ring, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> TokenPlanner.planSplit(ring, 0, 1));
        assertEquals(TokenPlanner.planSplit(ring, 0, 2).ring(), TokenPlanner.planSplit(ring, 0, 2).ring());
    }

    /** The hash spreads real keys as the arcs say: sampled shares stay within the balance bound. */
    @Test
    void sampledKeysFollowTheArcs() {
        HashRing ring = TokenPlanner.initial(shardIds(16));
        int[] counts = new int[16];
        SplittableRandom random = new SplittableRandom(42);
        byte[] key = new byte[16];
        int samples = 400_000;
        for (int k = 0; k < samples; k++) {
            fill(random, key);
            counts[ring.shardForKey(key)]++;
        }
        int max = Arrays.stream(counts).max().orElseThrow();
        assertTrue(max <= MAX_OVER_MEAN * samples / 16.0, "fullest shard got " + max + " of " + samples);
    }

    @Test
    void rejectsMalformedRings() {
        assertThrows(IllegalArgumentException.class, () -> HashRing.of(new long[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> HashRing.of(new long[] {1, 2}, new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> HashRing.of(new long[] {2, 1}, new int[] {1, 2}));
        assertThrows(IllegalArgumentException.class, () -> HashRing.of(new long[] {-1, 1}, new int[] {1, 2}),
                "-1 is the largest unsigned token");
        assertThrows(IllegalArgumentException.class, () -> TokenPlanner.initial(1, 1));
        assertThrows(IllegalArgumentException.class, () -> TokenPlanner.addShard(TokenPlanner.initial(1), 1));
        assertThrows(IllegalArgumentException.class, () -> TokenPlanner.removeShard(TokenPlanner.initial(1), 1));
        assertThrows(IllegalArgumentException.class,
                () -> TokenPlanner.addShard(HashRing.of(new long[] {5}, new int[] {1}), 2), "not a planned ring");
    }

    @Test
    void planningIsDeterministic() {
        HashRing a = TokenPlanner.addShard(TokenPlanner.initial(shardIds(37)), 99);
        HashRing b = TokenPlanner.addShard(TokenPlanner.initial(shardIds(37)), 99);
        assertEquals(a, b);
    }

    @Provide
    Arbitrary<HashRing> rings() {
        return Arbitraries.longs().set().ofMinSize(1).ofMaxSize(200).flatMap(tokenSet -> {
            long[] tokens = tokenSet.stream().mapToLong(Long::longValue).toArray();
            sortUnsigned(tokens);
            return Arbitraries.integers().between(0, 50).array(int[].class).ofSize(tokens.length)
                    .map(owners -> HashRing.of(tokens, owners));
        });
    }

    private static void assertBalanced(HashRing ring, int shards) {
        Map<Integer, Double> shares = ring.shares();
        assertEquals(shards, shares.size());
        double mean = 1.0 / shards;
        double max = shares.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        assertTrue(max <= MAX_OVER_MEAN * mean,
                "fullest shard has " + max / mean + "x the mean at " + shards + " shards");
        assertEquals(1.0, shares.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
    }

    /** Compares slot by slot over the finer of the two rings (the grown one may have split slots). */
    private static void assertMovesOnlyTo(HashRing before, HashRing after, int newShard, double fairShare) {
        assertTrue(after.size() % before.size() == 0);
        int factor = after.size() / before.size();
        double moved = 0;
        for (int i = 0; i < after.size(); i++) {
            int was = before.owner(i / factor);
            int is = after.owner(i);
            if (was != is) {
                assertEquals(newShard, is, "slot " + i + " moved between old shards");
                moved += after.arcFraction(i);
            }
        }
        assertTrue(Math.abs(moved - fairShare) <= 0.10 * fairShare,
                "adding shard " + newShard + " moved " + moved + ", fair share " + fairShare);
    }

    private static int linearScan(HashRing ring, long hash) {
        for (int i = 0; i < ring.size(); i++) {
            if (Long.compareUnsigned(ring.token(i), hash) >= 0) {
                return ring.owner(i);
            }
        }
        return ring.owner(0);
    }

    private static void sortUnsigned(long[] tokens) {
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] ^= Long.MIN_VALUE;
        }
        Arrays.sort(tokens);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] ^= Long.MIN_VALUE;
        }
    }

    private static int[] shardIds(int n) {
        int[] ids = new int[n];
        Arrays.setAll(ids, i -> i);
        return ids;
    }

    private static void fill(SplittableRandom random, byte[] key) {
        for (int i = 0; i < key.length; i += 8) {
            long v = random.nextLong();
            for (int b = 0; b < 8 && i + b < key.length; b++) {
                key[i + b] = (byte) (v >>> (8 * b));
            }
        }
    }
}
