package io.ringcache.shard.core;

import io.ringcache.routing.KeyHash;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of some ring slots that a shard replica wrote, removed or re-expired since a point of
 * its log: what a copy of those slots taken in the background, while the replica kept applying,
 * may hold stale or lack. A key not noted here has, at any later entry, exactly the entry the
 * copy read, because nothing changed it in between.
 *
 * <p>Fed by the shard's store on every change ({@link ShardEngine#trackWrites}); it stops being
 * {@link #valid} when the store is cleared (a snapshot restored over it) or when more than
 * {@code limit} distinct keys were noted, so an announced split that never comes costs bounded
 * memory. Used on the apply thread only: no synchronisation.
 */
public final class SlotWrites {

    private final SlotSet slots;
    private final int limit;
    private final Set<KeyBytes> keys = new HashSet<>();
    private boolean valid = true;
    private String invalidBecause;

    SlotWrites(SlotSet slots, int limit) {
        this.slots = slots;
        this.limit = limit;
    }

    /** The slots whose keys are noted. */
    public SlotSet slots() {
        return slots;
    }

    /** Notes {@code key} if it is one of the slots' keys; the array is copied, the caller may reuse it. */
    void changed(byte[] key) {
        if (valid && slots.containsHash(KeyHash.of(key)) && keys.add(new KeyBytes(key.clone())) && keys.size() > limit) {
            invalidate("more than " + limit + " keys of the moving slots written since the split was announced");
        }
    }

    void invalidate(String why) {
        if (valid) {
            valid = false;
            invalidBecause = why;
            keys.clear();
        }
    }

    /** True while every change to the slots' keys since this started is noted. */
    public boolean valid() {
        return valid;
    }

    /** Why this stopped being valid, or null while it is. */
    public String invalidBecause() {
        return invalidBecause;
    }

    /** True when {@code key} was noted. */
    public boolean contains(byte[] key) {
        return keys.contains(new KeyBytes(key));
    }

    /** The noted keys, in no particular order; the arrays must not be modified. */
    public List<byte[]> keys() {
        List<byte[]> out = new ArrayList<>(keys.size());
        for (KeyBytes k : keys) {
            out.add(k.bytes());
        }
        return out;
    }

    /** The number of noted keys. */
    public int size() {
        return keys.size();
    }
}
