package io.ringcache.shard.core;

import io.ringcache.routing.KeyHash;
import java.util.Arrays;

/**
 * A set of ring slots at one resolution: of the {@code 2^bits} equal slots of the hash space,
 * slot {@code i} holds the hashes whose top {@code bits} bits equal {@code i} (the planner's
 * layout, {@code io.ringcache.routing.TokenPlanner}). A split names the slots that leave a shard
 * this way, so a replica decides whether a key moved from its hash alone, with no ring at hand.
 *
 * <pre>
 *   words[w] bit b  =  slot (64 * w + b) is in the set        (bits in 1..24, 2^bits slots)
 * </pre>
 * Immutable; {@link #containsHash} is two shifts and a load.
 */
public final class SlotSet {

    /** The finest resolution a set may have: the planner's largest ring. */
    public static final int MAX_BITS = 24;

    private final int bits;
    private final long[] words;

    private SlotSet(int bits, long[] words) {
        this.bits = bits;
        this.words = words;
    }

    /** The set of {@code slots} among {@code 2^bits}. */
    public static SlotSet of(int bits, int... slots) {
        checkBits(bits);
        long[] words = new long[wordsFor(bits)];
        for (int slot : slots) {
            if (slot < 0 || slot >= 1 << bits) {
                throw new IllegalArgumentException("slot " + slot + " is outside 0.." + ((1 << bits) - 1));
            }
            words[slot >>> 6] |= 1L << slot;
        }
        return new SlotSet(bits, words);
    }

    /** A set from its words, as {@link #words()} gives them; refuses bits beyond the slot count. */
    public static SlotSet fromWords(int bits, long[] words) {
        checkBits(bits);
        if (words.length != wordsFor(bits)) {
            throw new IllegalArgumentException(words.length + " words for " + bits + " slot bits");
        }
        if (bits < 6 && (words[0] >>> (1 << bits)) != 0) {
            throw new IllegalArgumentException("slot beyond " + ((1 << bits) - 1));
        }
        return new SlotSet(bits, words.clone());
    }

    private static void checkBits(int bits) {
        if (bits < 1 || bits > MAX_BITS) {
            throw new IllegalArgumentException("slot bits must be 1.." + MAX_BITS + ", not " + bits);
        }
    }

    private static int wordsFor(int bits) {
        return Math.max(1, (1 << bits) >>> 6);
    }

    /** True when ring position {@code hash} falls in one of the slots. */
    public boolean containsHash(long hash) {
        int slot = (int) (hash >>> (64 - bits));
        return (words[slot >>> 6] & (1L << slot)) != 0;
    }

    /** True when {@code key} hashes into one of the slots. */
    public boolean containsKey(byte[] key) {
        return containsHash(KeyHash.of(key));
    }

    /**
     * Tells whether keys held in buffers (a store's entries while it is visited) fall in a set,
     * hashing each through one reused array. One instance per visit; not thread-safe.
     */
    public static final class KeyProbe {
        private byte[] scratch = new byte[64];

        public boolean contains(SlotSet slots, org.agrona.DirectBuffer key) {
            int n = key.capacity();
            if (scratch.length < n) {
                scratch = new byte[Math.max(n, scratch.length * 2)];
            }
            key.getBytes(0, scratch, 0, n);
            return slots.containsHash(KeyHash.of(scratch, 0, n));
        }
    }

    /** True when some ring position lies in both sets. */
    public boolean intersects(SlotSet other) {
        SlotSet fine = bits >= other.bits ? this : other;
        SlotSet coarse = fine == this ? other : this;
        int shift = fine.bits - coarse.bits;
        for (int slot = 0; slot < 1 << fine.bits; slot++) {
            if (fine.contains(slot) && coarse.contains(slot >>> shift)) {
                return true;
            }
        }
        return false;
    }

    /** True when slot {@code slot} (at this set's resolution) is in the set. */
    public boolean contains(int slot) {
        return (words[slot >>> 6] & (1L << slot)) != 0;
    }

    /** The number of slots in the set. */
    public int size() {
        int n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public int bits() {
        return bits;
    }

    /** A copy of the words. */
    public long[] words() {
        return words.clone();
    }

    /** The slots, ascending. */
    public int[] slots() {
        int[] out = new int[size()];
        int n = 0;
        for (int slot = 0; slot < 1 << bits; slot++) {
            if (contains(slot)) {
                out[n++] = slot;
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlotSet other && bits == other.bits && Arrays.equals(words, other.words);
    }

    @Override
    public int hashCode() {
        return 31 * bits + Arrays.hashCode(words);
    }

    @Override
    public String toString() {
        return size() + " of " + (1 << bits) + " slots";
    }
}
