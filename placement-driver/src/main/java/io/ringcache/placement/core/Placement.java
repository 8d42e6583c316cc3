package io.ringcache.placement.core;

import io.ringcache.routing.TokenPlanner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The placement driver's state and its rules: owns the partition map, registers stores, and
 * records replica changes, persisting every new epoch before it is visible. Thread-safe
 * (one monitor); what to move is decided by {@link ReplicaPlanner}, and moves are carried out by
 * the caller, who reports each finished one with {@link #replicaAdded}.
 */
public final class Placement {

    /** Replicas every shard should have when enough stores are up. */
    public static final int REPLICAS = 3;

    private final PartitionMapRepository repository;
    private final List<Consumer<PartitionMap>> listeners = new CopyOnWriteArrayList<>();
    private PartitionMap map;

    private Placement(PartitionMapRepository repository, PartitionMap map) {
        this.repository = repository;
        this.map = map;
    }

    /** Placement from the repository's saved map. */
    public static Placement recover(PartitionMapRepository repository) throws IOException {
        PartitionMap saved = repository.load()
                .orElseThrow(() -> new IOException("no saved partition map to recover"));
        return new Placement(repository, saved);
    }

    /**
     * A new cluster of one store holding every shard: the saved map if the repository has one
     * (a restarted bootstrap node), otherwise {@code shards} new shards on {@code first}.
     */
    public static Placement bootstrap(PartitionMapRepository repository, StoreInfo first, int shards) throws IOException {
        var saved = repository.load();
        if (saved.isPresent()) {
            return new Placement(repository, saved.get());
        }
        if (shards < 1) {
            throw new IllegalArgumentException("a cluster needs at least one shard, not " + shards);
        }
        int[] ids = new int[shards];
        Map<Integer, ShardInfo> placements = new TreeMap<>();
        for (int i = 0; i < shards; i++) {
            ids[i] = i;
            placements.put(i, new ShardInfo(i, List.of(first.id()), first.id(), 1));
        }
        PartitionMap initial = new PartitionMap(1, TokenPlanner.initial(ids), placements,
                Map.of(first.id(), first.withState(StoreState.UP)));
        repository.save(initial);
        return new Placement(repository, initial);
    }

    public synchronized PartitionMap map() {
        return map;
    }

    /**
     * Registers a store (new, restarted, or with new addresses) as UP.
     *
     * @return the replica additions now due (for every shard short of {@link #REPLICAS})
     */
    public synchronized List<ReplicaPlanner.Addition> register(StoreInfo store) throws IOException {
        StoreInfo known = map.stores().get(store.id());
        if (known != null && known.state() == StoreState.REMOVED) {
            throw new IllegalArgumentException("store " + store.id() + " was removed; ids are never reused");
        }
        StoreInfo up = store.withState(StoreState.UP);
        if (!up.equals(known)) {
            commit(map.withStore(up));
        }
        return ReplicaPlanner.plan(map, REPLICAS);
    }

    /** The replica additions due now. */
    public synchronized List<ReplicaPlanner.Addition> pendingAdditions() {
        return ReplicaPlanner.plan(map, REPLICAS);
    }

    /** Records that {@code storeId} now holds a voting replica of {@code shardId}. */
    public synchronized PartitionMap replicaAdded(int shardId, String storeId) throws IOException {
        ShardInfo shard = map.shard(shardId).orElseThrow(() -> new IllegalArgumentException("no shard " + shardId));
        if (!shard.replicas().contains(storeId)) {
            List<String> replicas = new ArrayList<>(shard.replicas());
            replicas.add(storeId);
            commit(map.withShard(shard.withReplicas(replicas)));
        }
        return map;
    }

    /** Records the leader a replica reported; a no-op when it is already known. */
    public synchronized void leaderReported(int shardId, String leader) throws IOException {
        ShardInfo shard = map.shard(shardId).orElse(null);
        if (shard != null && !leader.isEmpty() && !shard.leader().equals(leader) && shard.replicas().contains(leader)) {
            commit(map.withShard(shard.withLeader(leader)));
        }
    }

    /** Calls {@code listener} with every map committed from now on (on the committing thread). */
    public void addListener(Consumer<PartitionMap> listener) {
        listeners.add(listener);
    }

    public void removeListener(Consumer<PartitionMap> listener) {
        listeners.remove(listener);
    }

    private void commit(PartitionMap next) throws IOException {
        repository.save(next);
        map = next;
        for (var listener : listeners) {
            listener.accept(next);
        }
    }
}
