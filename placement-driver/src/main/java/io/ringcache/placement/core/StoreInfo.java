package io.ringcache.placement.core;

import java.util.Map;

/**
 * A store as placement knows it.
 *
 * @param id          stable across restarts (the node id)
 * @param grpcAddress host:port of its KV and admin gRPC services
 * @param httpAddress host:port of its HTTP API
 * @param raftAddress host:port of its Raft transport
 * @param labels      topology labels (zone, host)
 * @param state       up, down, draining or removed
 */
public record StoreInfo(String id, String grpcAddress, String httpAddress, String raftAddress,
                        Map<String, String> labels, StoreState state) {

    public StoreInfo {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("a store needs an id");
        }
        if (raftAddress == null || raftAddress.isBlank()) {
            throw new IllegalArgumentException("store " + id + " needs a Raft address");
        }
        labels = Map.copyOf(labels);
    }

    /** The {@code zone} label, or empty. */
    public String zone() {
        return labels.getOrDefault("zone", "");
    }

    public StoreInfo withState(StoreState newState) {
        return new StoreInfo(id, grpcAddress, httpAddress, raftAddress, labels, newState);
    }
}
