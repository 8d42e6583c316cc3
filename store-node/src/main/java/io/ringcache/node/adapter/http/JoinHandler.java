package io.ringcache.node.adapter.http;

import java.util.Map;

/** Carries out the seed's {@code GET /join?node_id=ID&addr=RAFTADDR}: admits a store to the cluster. */
@FunctionalInterface
public interface JoinHandler {

    /**
     * Joins a store.
     *
     * @param nodeId   the joining store's id ({@code node_id})
     * @param raftAddr the joining store's Raft address ({@code addr})
     * @param params   the request's other query parameters (first value of each), unmodifiable
     * @return the reply body; {@code null} or blank answers the seed's {@code joined}
     * @throws IllegalArgumentException the request is wrong (answers 400)
     * @throws IllegalStateException    the node cannot do it now, e.g. it is not the leader (answers 503)
     */
    String join(String nodeId, String raftAddr, Map<String, String> params)
            throws IllegalArgumentException, IllegalStateException;
}
