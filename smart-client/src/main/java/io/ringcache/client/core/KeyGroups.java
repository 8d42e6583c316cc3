package io.ringcache.client.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits a multi-key request by shard, remembering each key's position so answers go back in order. */
public final class KeyGroups {

    private KeyGroups() {
    }

    /** Positions of {@code keys} grouped by owning shard, shards in first-seen order. */
    public static Map<Integer, List<Integer>> byShard(RouteTable table, List<byte[]> keys) {
        Map<Integer, List<Integer>> out = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            out.computeIfAbsent(table.shardOf(keys.get(i)), s -> new ArrayList<>()).add(i);
        }
        return out;
    }
}
