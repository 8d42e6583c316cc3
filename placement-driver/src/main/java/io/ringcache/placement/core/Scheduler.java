package io.ringcache.placement.core;

import java.util.Optional;

/**
 * One scheduling rule: a pure decision over the cluster, one proposal at a time. The driver
 * asks again with the proposal planned in the view ({@link ClusterView#withPlanned}) until the
 * scheduler has nothing more to propose or the concurrency limit is reached. A scheduler never
 * proposes a change to a shard that is already busy.
 */
public interface Scheduler {

    Optional<Proposal> next(ClusterView view);
}
