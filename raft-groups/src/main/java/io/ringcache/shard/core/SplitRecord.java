package io.ringcache.shard.core;

/**
 * A split this shard went through: at log index {@code index} the keys of {@code slots} went to
 * {@code childShard}, whose voters were {@code childMembers} (the adapter's encoding, as the split
 * command carried them): a replica that learns of the split from a snapshot, not from the entry,
 * still knows which child group it belongs to.
 */
public record SplitRecord(int childShard, long index, SlotSet slots, byte[] childMembers) {

    @Override
    public boolean equals(Object o) {
        return o instanceof SplitRecord r && childShard == r.childShard && index == r.index && slots.equals(r.slots)
                && java.util.Arrays.equals(childMembers, r.childMembers);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Integer.hashCode(childShard) + Long.hashCode(index)) + slots.hashCode();
    }

    @Override
    public String toString() {
        return "SplitRecord{child " + childShard + " at " + index + ", " + slots + "}";
    }
}
