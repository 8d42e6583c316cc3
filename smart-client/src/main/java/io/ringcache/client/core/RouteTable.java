package io.ringcache.client.core;

import io.ringcache.routing.HashRing;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client's view of the partition map: which shard owns a key, which stores hold it, which one
 * leads it, and where each store answers. Immutable; a newer map or a leader hint makes a new
 * table. Leader hints from NotLeader replies override the map's (older) report until the next
 * map epoch arrives.
 *
 * @param epoch  the partition-map epoch it was built from (0: none yet)
 * @param ring   key to shard
 * @param shards per shard: replicas and leader
 * @param stores per store id: its gRPC address and whether placement considers it up
 */
public record RouteTable(long epoch, HashRing ring, Map<Integer, ShardRoute> shards, Map<String, StoreRoute> stores) {

    public RouteTable {
        shards = Map.copyOf(shards);
        stores = Map.copyOf(stores);
    }

    /** A shard's replicas (voters) and its leader as last known (empty when unknown). */
    public record ShardRoute(int shardId, List<String> replicas, String leader) {
        public ShardRoute {
            replicas = List.copyOf(replicas);
            leader = leader == null ? "" : leader;
        }
    }

    /** @param up false when placement marked the store down, draining or removed */
    public record StoreRoute(String storeId, String grpcAddress, boolean up) {
    }

    public int shardOf(byte[] key) {
        return ring.shardForKey(key);
    }

    public Optional<ShardRoute> shard(int shardId) {
        return Optional.ofNullable(shards.get(shardId));
    }

    /** The leader's gRPC address, if a leader is known and its store is known. */
    public Optional<String> leaderAddress(int shardId) {
        ShardRoute s = shards.get(shardId);
        if (s == null || s.leader().isEmpty()) {
            return Optional.empty();
        }
        return address(s.leader());
    }

    public Optional<String> address(String storeId) {
        StoreRoute r = stores.get(storeId);
        return r == null || r.grpcAddress().isEmpty() ? Optional.empty() : Optional.of(r.grpcAddress());
    }

    /** Addresses of the shard's replicas on stores placement considers up, leader first. */
    public List<String> replicaAddresses(int shardId) {
        ShardRoute s = shards.get(shardId);
        if (s == null) {
            return List.of();
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        if (!s.leader().isEmpty()) {
            address(s.leader()).ifPresent(out::add);
        }
        for (String r : s.replicas()) {
            StoreRoute route = stores.get(r);
            if (route != null && route.up() && !r.equals(s.leader()) && !route.grpcAddress().isEmpty()) {
                out.add(route.grpcAddress());
            }
        }
        return out;
    }

    /** This table with {@code storeId} as the shard's leader (a NotLeader hint). */
    public RouteTable withLeader(int shardId, String storeId) {
        ShardRoute s = shards.get(shardId);
        if (s == null || storeId.isEmpty() || storeId.equals(s.leader())) {
            return this;
        }
        Map<Integer, ShardRoute> next = new java.util.HashMap<>(shards);
        next.put(shardId, new ShardRoute(shardId, s.replicas(), storeId));
        return new RouteTable(epoch, ring, next, stores);
    }

    /** This table with the hinted store's address learned (a hint may name a store the map lacks). */
    public RouteTable withStoreAddress(String storeId, String address) {
        if (storeId.isEmpty() || address.isEmpty() || address(storeId).map(address::equals).orElse(false)) {
            return this;
        }
        Map<String, StoreRoute> next = new java.util.HashMap<>(stores);
        next.put(storeId, new StoreRoute(storeId, address, true));
        return new RouteTable(epoch, ring, shards, next);
    }
}
