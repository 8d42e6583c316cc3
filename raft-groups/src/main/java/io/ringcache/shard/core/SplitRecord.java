package io.ringcache.shard.core;

/** A split this shard went through: at log index {@code index} the keys of {@code slots} went to {@code childShard}. */
public record SplitRecord(int childShard, long index, SlotSet slots) {
}
