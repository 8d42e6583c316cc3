package io.ringcache.chaos.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks what ringcache documents of batches once the writers have stopped: a {@code putAll} is
 * atomic per shard (each shard's part is one Raft command), not across shards. Every batch writes
 * one value to every key of its group, so after the last write every key of a group that lives on
 * one shard must hold the same value (or all be absent), and every value must be one a batch of
 * that group sent. A shard part applied in halves, or a key of a part lost, shows as a shard
 * whose keys disagree ("torn"). Each key's reads and writes are also in the register history, so
 * the linearizability checker sees every batch too.
 */
public final class BatchChecker {

    /**
     * One group's final state: {@code shardOf} maps each key to its shard; {@code finalValues} holds
     * each key's last read (null: absent); {@code sent} the values batches of this group carried.
     */
    public record Group(String name, Map<String, Integer> shardOf, Map<String, String> finalValues, Set<String> sent) {
        public Group {
            Objects.requireNonNull(name, "name");
            shardOf = Map.copyOf(shardOf);
            finalValues = new HashMap<>(finalValues);
            sent = Set.copyOf(sent);
            if (!shardOf.keySet().equals(finalValues.keySet())) {
                throw new IllegalArgumentException("group " + name + ": final values for " + finalValues.keySet()
                        + " but keys " + shardOf.keySet());
            }
        }
    }

    public record Report(int groups, int shardParts, List<String> torn, List<String> phantom) {
        public boolean ok() {
            return torn.isEmpty() && phantom.isEmpty();
        }

        public String describe() {
            return groups + " batch groups, " + shardParts + " shard parts, " + torn.size() + " torn, " + phantom.size() + " phantom";
        }
    }

    private BatchChecker() {
    }

    public static Report check(List<Group> groups) {
        List<String> torn = new ArrayList<>();
        List<String> phantom = new ArrayList<>();
        int parts = 0;
        for (Group g : groups) {
            Map<Integer, Set<String>> valuesByShard = new TreeMap<>();
            for (Map.Entry<String, Integer> e : g.shardOf().entrySet()) {
                String value = g.finalValues().get(e.getKey());
                valuesByShard.computeIfAbsent(e.getValue(), s -> new HashSet<>()).add(value == null ? "~" : value);
                if (value != null && !g.sent().contains(value)) {
                    phantom.add(g.name() + ":" + e.getKey() + "=" + value);
                }
            }
            parts += valuesByShard.size();
            valuesByShard.forEach((shard, values) -> {
                if (values.size() > 1) {
                    torn.add(g.name() + " shard " + shard + " " + values);
                }
            });
        }
        return new Report(groups.size(), parts, torn, phantom);
    }
}
