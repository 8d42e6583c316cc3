package io.ringcache.placement.core;

import io.ringcache.routing.HashRing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cluster's partition map: the ring (key to shard), each shard's replicas and leader, and the
 * stores. Immutable; every change yields a map with a larger {@link #epoch()}, so anyone holding
 * two maps knows which is newer.
 */
public final class PartitionMap {

    private final long epoch;
    private final HashRing ring;
    private final SortedMap<Integer, ShardInfo> shards;
    private final SortedMap<String, StoreInfo> stores;

    public PartitionMap(long epoch, HashRing ring, Map<Integer, ShardInfo> shards, Map<String, StoreInfo> stores) {
        this.epoch = epoch;
        this.ring = ring;
        this.shards = Collections.unmodifiableSortedMap(new TreeMap<>(shards));
        this.stores = Collections.unmodifiableSortedMap(new TreeMap<>(stores));
        for (int shard : ring.shardIds()) {
            if (!this.shards.containsKey(shard)) {
                throw new IllegalArgumentException("the ring names shard " + shard + " but the map has no placement for it");
            }
        }
        for (ShardInfo s : this.shards.values()) {
            for (String r : concat(s.replicas(), s.learners())) {
                if (!this.stores.containsKey(r)) {
                    throw new IllegalArgumentException("shard " + s.id() + " names unknown store " + r);
                }
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    public long epoch() {
        return epoch;
    }

    public HashRing ring() {
        return ring;
    }

    public SortedMap<Integer, ShardInfo> shards() {
        return shards;
    }

    public SortedMap<String, StoreInfo> stores() {
        return stores;
    }

    public Optional<ShardInfo> shard(int id) {
        return Optional.ofNullable(shards.get(id));
    }

    public Optional<StoreInfo> store(String id) {
        return Optional.ofNullable(stores.get(id));
    }

    /** The shard owning {@code key}. */
    public ShardInfo shardForKey(byte[] key) {
        return shards.get(ring.shardForKey(key));
    }

    /** The shards with a replica (voting or learning) on {@code storeId}. */
    public List<ShardInfo> shardsOn(String storeId) {
        List<ShardInfo> out = new ArrayList<>();
        for (ShardInfo s : shards.values()) {
            if (s.hasMember(storeId)) {
                out.add(s);
            }
        }
        return out;
    }

    public PartitionMap withStore(StoreInfo store) {
        Map<String, StoreInfo> next = new TreeMap<>(stores);
        next.put(store.id(), store);
        return new PartitionMap(epoch + 1, ring, shards, next);
    }

    public PartitionMap withShard(ShardInfo shard) {
        Map<Integer, ShardInfo> next = new TreeMap<>(shards);
        next.put(shard.id(), shard);
        return new PartitionMap(epoch + 1, ring, next, stores);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionMap other && epoch == other.epoch && ring.equals(other.ring)
                && shards.equals(other.shards) && stores.equals(other.stores);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(epoch) * 31 + shards.hashCode();
    }

    @Override
    public String toString() {
        return "PartitionMap{epoch=" + epoch + ", shards=" + shards.size() + ", stores=" + stores.keySet() + "}";
    }
}
