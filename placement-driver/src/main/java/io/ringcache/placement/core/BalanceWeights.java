package io.ringcache.placement.core;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * What each shard weighs when placement evens out the stores: a replica by its data, a leadership
 * by its load, both in "replica units" so that, when every shard is alike, a weight is 1 and the
 * balance rules are the plain count rules.
 *
 * <p>The weight of a shard whose size is {@code x} against a mean of {@code m} over all shards is
 * {@code 1/2 + x / 2m}; the mean weight is 1. Half the weight is the count because a replica
 * costs its store a whole map's reservation whatever it holds ({@code -shard_memory_mb}), so a
 * store of many small shards runs out of room before it runs out of memory; the other half is the
 * data (or, for leaderships, the ops/s), so a new store takes a fair share of the bytes and of the
 * write load, not just of the replica count. When the mean is below a floor (an almost empty or
 * idle cluster), sizes say nothing yet and every weight is 1.
 *
 * <p>A store's score is the sum of the weights of the replicas (or leaderships) it holds. The rules
 * move a shard of weight {@code w} from a store to one scoring at least {@code 2w} less; that
 * lowers the sum of squared scores by {@code 2w(gap - w) >= 2w²}, so repeated moves in one view
 * chain end (weights come from the reports of the moment and do not change within a chain).
 */
public final class BalanceWeights {

    /** Mean shard size below which data does not weigh: replicas are counted. */
    public static final long BYTES_FLOOR = 1L << 20;
    /** Mean ops/s per shard below which load does not weigh: leaderships are counted. */
    public static final double LOAD_FLOOR = 50;
    /** Floating-point slack in the rules' score comparisons (scores are sums of halves and ratios). */
    static final double EPSILON = 1e-9;

    private final Map<Integer, Double> replica;
    private final Map<Integer, Double> leader;

    private BalanceWeights(Map<Integer, Double> replica, Map<Integer, Double> leader) {
        this.replica = replica;
        this.leader = leader;
    }

    /**
     * Weights of {@code shards} from each shard's size in bytes and its leader's ops/s (0 when
     * unknown).
     */
    public static BalanceWeights of(Collection<Integer> shards, IntToDoubleFunction bytes, IntToDoubleFunction load) {
        return new BalanceWeights(weigh(shards, bytes, BYTES_FLOOR), weigh(shards, load, LOAD_FLOOR));
    }

    private static Map<Integer, Double> weigh(Collection<Integer> shards, IntToDoubleFunction size, double floor) {
        Map<Integer, Double> sizes = new HashMap<>();
        double sum = 0;
        for (int id : shards) {
            double x = Math.max(0, size.applyAsDouble(id));
            sizes.put(id, x);
            sum += x;
        }
        double mean = shards.isEmpty() ? 0 : sum / shards.size();
        Map<Integer, Double> out = new HashMap<>();
        for (var e : sizes.entrySet()) {
            out.put(e.getKey(), mean < floor ? 1.0 : 0.5 + e.getValue() / (2 * mean));
        }
        return out;
    }

    /** What a replica of {@code shardId} weighs (1 for a shard this view did not weigh). */
    public double replica(int shardId) {
        return replica.getOrDefault(shardId, 1.0);
    }

    /** What the leadership of {@code shardId} weighs (1 for a shard this view did not weigh). */
    public double leader(int shardId) {
        return leader.getOrDefault(shardId, 1.0);
    }
}
