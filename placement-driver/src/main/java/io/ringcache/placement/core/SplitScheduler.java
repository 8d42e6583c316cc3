package io.ringcache.placement.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Splits shards that grew ({@link SplitTriggers#sizeBytes}) or stayed hot
 * ({@link SplitTriggers#opsPerSecond} for {@link SplitTriggers#loadMillis}), biggest first, then
 * hottest; one proposal at a time (one split runs at a time anyway). Sizes and loads are what
 * each shard's leader last reported.
 *
 * <p>Unlike the other schedulers it keeps state: since when each shard has been hot, from the
 * views' times (no clock of its own). It is soft state of the PD leader, as liveness is: a new
 * leader starts the windows over, which only delays a load split.
 */
public final class SplitScheduler implements Scheduler {

    /**
     * How long a shard this scheduler split is left alone: its leader's reports of size and load
     * are from before the split until its next heartbeats (one a second), and acting on them split
     * shards over and over (a process test ended with 118 shards of about 0.4 MiB where 2 MiB was
     * the threshold).
     */
    static final long COOLDOWN_MILLIS = 5_000;

    /** Per shard: the time its leader first reported it hot in the current run of hot reports. */
    private final Map<Integer, Long> hotSince = new HashMap<>();
    /** Per shard: when this scheduler last proposed to split it. */
    private final Map<Integer, Long> proposedAt = new HashMap<>();

    @Override
    public Optional<Proposal> next(ClusterView view) {
        SplitTriggers t = view.config().splits();
        PartitionMap map = view.map();
        if (map == null || map.shards().size() >= t.maxShards() || (!t.bySize() && !t.byLoad())) {
            return Optional.empty();
        }
        long now = view.now();
        boolean splitting = view.state().active().stream().anyMatch(op -> op.kind() == OperatorKind.SPLIT_SHARD);
        Integer biggest = null;
        long biggestBytes = 0;
        Integer hottest = null;
        double hottestLoad = 0;
        for (ShardInfo s : map.shards().values()) {
            if (s.leader().isEmpty()) {
                hotSince.remove(s.id());
                continue;
            }
            long bytes = view.shardBytes(s.id());
            double load = view.shardLoad(s.id());
            if (t.byLoad() && load >= t.opsPerSecond()) {
                hotSince.putIfAbsent(s.id(), now);
            } else {
                hotSince.remove(s.id());
            }
            Long proposed = proposedAt.get(s.id());
            if (proposed != null && now - proposed < COOLDOWN_MILLIS) {
                continue;
            }
            if (view.busy(s.id()) || !s.replicas().stream().allMatch(v -> view.roomFor(v, 1))) {
                continue; // a split adds a replica on every voter's store
            }
            if (t.bySize() && bytes >= t.sizeBytes() && bytes > biggestBytes) {
                biggest = s.id();
                biggestBytes = bytes;
            }
            Long since = hotSince.get(s.id());
            if (since != null && now - since >= t.loadMillis() && load > hottestLoad) {
                hottest = s.id();
                hottestLoad = load;
            }
        }
        hotSince.keySet().retainAll(map.shards().keySet());
        proposedAt.values().removeIf(at -> now - at >= COOLDOWN_MILLIS);
        if (splitting) {
            return Optional.empty(); // one split at a time: propose the next once this one is done
        }
        if (biggest != null) {
            proposedAt.put(biggest, now);
            return Optional.of(new Proposal(biggest, OperatorKind.SPLIT_SHARD, "", "", "split-size"));
        }
        if (hottest != null) {
            hotSince.remove(hottest); // a new window once it has split
            proposedAt.put(hottest, now);
            return Optional.of(new Proposal(hottest, OperatorKind.SPLIT_SHARD, "", "", "split-load"));
        }
        return Optional.empty();
    }
}
