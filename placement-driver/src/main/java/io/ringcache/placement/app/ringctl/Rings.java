package io.ringcache.placement.app.ringctl;

import io.ringcache.proto.v1.PartitionMap;
import io.ringcache.proto.v1.Ring;
import io.ringcache.routing.HashRing;
import java.util.Map;
import java.util.TreeMap;

/** The map's ring as a {@link HashRing}, the routing contract every client uses. */
final class Rings {

    private Rings() {
    }

    /** The ring, or null when the map has none yet. */
    static HashRing of(PartitionMap map) {
        Ring r = map.getRing();
        if (r.getTokensCount() == 0) {
            return null;
        }
        long[] tokens = new long[r.getTokensCount()];
        int[] owners = new int[r.getShardIdsCount()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = r.getTokens(i);
        }
        for (int i = 0; i < owners.length; i++) {
            owners[i] = r.getShardIds(i);
        }
        try {
            return HashRing.of(tokens, owners);
        } catch (IllegalArgumentException e) {
            throw RingctlException.refused("the PD's partition map (epoch " + map.getEpoch() + ") has a bad ring: "
                    + e.getMessage());
        }
    }

    /** Each shard's share of the hash space; empty without a ring. */
    static Map<Integer, Double> shares(PartitionMap map) {
        HashRing ring = of(map);
        return ring == null ? new TreeMap<>() : ring.shares();
    }

    /** Tokens per shard. */
    static Map<Integer, Integer> tokenCounts(PartitionMap map) {
        Map<Integer, Integer> out = new TreeMap<>();
        for (int owner : map.getRing().getShardIdsList()) {
            out.merge(owner, 1, Integer::sum);
        }
        return out;
    }
}
