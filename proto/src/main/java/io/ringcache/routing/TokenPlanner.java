package io.ringcache.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Places ring tokens for balance. The placement driver uses it; clients and stores never do.
 *
 * <h2>Layout</h2>
 * The planner's rings are made of {@code T} equal slots, {@code T} a power of two, with the token
 * of slot {@code i} at {@code (i + 1) * 2^64 / T - 1}, so slot {@code i} holds the hashes whose top
 * {@code log2 T} bits equal {@code i}. Each slot is a virtual node owned by one shard.
 * <pre>
 *   hash space  0 ............................................... 2^64-1
 *   slots       | s0: A | s1: B | s2: C | s3: A | s4: B | ... | sT-1: C |
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code T >= SLOTS_PER_SHARD * shards}: when a shard is added and the ring is too small,
 *       every slot is split in two with the same owner first, which moves no key.</li>
 *   <li>After {@link #initial} slot counts of any two shards differ by at most one. {@link #addShard}
 *       gives the new shard {@code floor(T / (n + 1))} slots, each taken from the shard holding the
 *       most, so the old shards end within one slot of each other.</li>
 *   <li>Adding a shard moves keys only from old shards to the new one; removing a shard moves
 *       keys only from it to the survivors.</li>
 * </ul>
 * With 32 slots per shard the fullest shard holds at most {@code 1 + 2/32} of the mean and an
 * added shard takes within {@code 1/32} of its fair share. The result is a pure, deterministic
 * function of its inputs, so every placement-driver replica computes the same ring.
 */
public final class TokenPlanner {

    /** The minimum number of slots per shard the planner keeps. */
    public static final int SLOTS_PER_SHARD = 32;

    private static final int MIN_SLOTS = 64;
    private static final int MAX_SLOTS = 1 << 24;

    private TokenPlanner() {
    }

    /** A balanced ring for the given distinct shard ids: slots dealt round-robin. */
    public static HashRing initial(int... shardIds) {
        int[] ids = distinctSorted(shardIds);
        if (ids.length == 0) {
            throw new IllegalArgumentException("a ring needs at least one shard");
        }
        int slots = slotCountFor(ids.length, MIN_SLOTS);
        int[] owners = new int[slots];
        for (int i = 0; i < slots; i++) {
            owners[i] = ids[i % ids.length];
        }
        return HashRing.of(slotTokens(slots), owners);
    }

    /**
     * The ring with {@code newShard} added: it takes {@code floor(T / (n + 1))} slots, one at a
     * time from whichever shard holds the most (lowest id on ties, its highest slot first).
     */
    public static HashRing addShard(HashRing ring, int newShard) {
        int[] owners = slotOwners(ring);
        int[] ids = ring.shardIds();
        if (Arrays.binarySearch(ids, newShard) >= 0) {
            throw new IllegalArgumentException("shard " + newShard + " is already on the ring");
        }
        if (newShard < 0) {
            throw new IllegalArgumentException("negative shard id " + newShard);
        }
        int shards = ids.length + 1;
        int slots = slotCountFor(shards, owners.length);
        owners = split(owners, slots / owners.length);

        List<Holding> holdings = holdings(owners, ids);
        PriorityQueue<Holding> fullestFirst = new PriorityQueue<>(
                (a, b) -> a.slots.size() != b.slots.size()
                        ? Integer.compare(b.slots.size(), a.slots.size())
                        : Integer.compare(a.shardId, b.shardId));
        fullestFirst.addAll(holdings);
        int quota = slots / shards;
        for (int k = 0; k < quota; k++) {
            Holding victim = fullestFirst.poll();
            int slot = victim.slots.remove(victim.slots.size() - 1);
            owners[slot] = newShard;
            fullestFirst.add(victim);
        }
        return HashRing.of(slotTokens(slots), owners);
    }

    /**
     * What splitting {@code parent} into itself and {@code child} does to the ring: the child takes
     * every second slot of the parent's (its 2nd, 4th, ... in ring order), so both keep slots spread
     * over the hash space and each holds half of the parent's, the child the smaller half on an odd
     * count. Only keys of those slots move, all from the parent to the child. When the ring is too
     * small for one more shard ({@link #SLOTS_PER_SHARD}) or the parent holds a single slot, every
     * slot is first split in two with its owner, which moves nothing.
     *
     * @return the new ring and the moving slots at its resolution
     */
    public static SplitPlan planSplit(HashRing ring, int parent, int child) {
        int[] owners = slotOwners(ring);
        int[] ids = ring.shardIds();
        if (Arrays.binarySearch(ids, parent) < 0) {
            throw new IllegalArgumentException("shard " + parent + " is not on the ring");
        }
        if (child < 0 || Arrays.binarySearch(ids, child) >= 0) {
            throw new IllegalArgumentException("shard " + child + " cannot be the new shard: "
                    + (child < 0 ? "negative id" : "it is already on the ring"));
        }
        int slots = slotCountFor(ids.length + 1, owners.length);
        owners = split(owners, slots / owners.length);
        if (Arrays.stream(owners).filter(o -> o == parent).count() < 2) {
            if (slots * 2 > MAX_SLOTS) {
                throw new IllegalArgumentException("shard " + parent + " holds a single slot of the largest ring");
            }
            owners = split(owners, 2);
            slots *= 2;
        }
        List<Integer> moving = new ArrayList<>();
        boolean give = false;
        for (int slot = 0; slot < slots; slot++) {
            if (owners[slot] == parent) {
                if (give) {
                    owners[slot] = child;
                    moving.add(slot);
                }
                give = !give;
            }
        }
        return new SplitPlan(HashRing.of(slotTokens(slots), owners), Integer.numberOfTrailingZeros(slots),
                moving.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * A split's effect: {@code ring} after it, and the slots that move from parent to child, as
     * indices among the {@code 2^slotBits} slots of that ring (slot {@code i} holds the hashes whose
     * top {@code slotBits} bits equal {@code i}).
     */
    public record SplitPlan(HashRing ring, int slotBits, int[] movingSlots) {
    }

    /**
     * The ring without {@code shard}: its slots go one at a time to whichever surviving shard
     * holds the fewest (lowest id on ties), lowest slot first.
     */
    public static HashRing removeShard(HashRing ring, int shard) {
        int[] owners = slotOwners(ring);
        int[] ids = ring.shardIds();
        if (Arrays.binarySearch(ids, shard) < 0) {
            throw new IllegalArgumentException("shard " + shard + " is not on the ring");
        }
        if (ids.length == 1) {
            throw new IllegalArgumentException("cannot remove the last shard " + shard);
        }
        int[] survivors = Arrays.stream(ids).filter(id -> id != shard).toArray();
        PriorityQueue<Holding> emptiestFirst = new PriorityQueue<>(
                (a, b) -> a.slots.size() != b.slots.size()
                        ? Integer.compare(a.slots.size(), b.slots.size())
                        : Integer.compare(a.shardId, b.shardId));
        emptiestFirst.addAll(holdings(owners, survivors));
        for (int slot = 0; slot < owners.length; slot++) {
            if (owners[slot] == shard) {
                Holding heir = emptiestFirst.poll();
                owners[slot] = heir.shardId;
                heir.slots.add(slot);
                emptiestFirst.add(heir);
            }
        }
        return HashRing.of(slotTokens(owners.length), owners);
    }

    /** The number of slots for {@code shards} shards, never fewer than {@code atLeast}. */
    static int slotCountFor(int shards, int atLeast) {
        long wanted = Math.max((long) shards * SLOTS_PER_SHARD, atLeast);
        if (wanted > MAX_SLOTS) {
            throw new IllegalArgumentException("too many shards for the ring: " + shards);
        }
        return Integer.highestOneBit((int) wanted - 1) << 1;
    }

    /** The evenly spaced tokens of {@code slots} slots ({@code slots} a power of two). */
    static long[] slotTokens(int slots) {
        int shift = 64 - Integer.numberOfTrailingZeros(slots);
        long[] tokens = new long[slots];
        for (int i = 0; i < slots; i++) {
            // (i + 1) * 2^64 / T - 1, computed without overflowing: for i = T - 1 this is -1L (2^64 - 1).
            tokens[i] = shift == 64 ? -1L : ((long) (i + 1) << shift) - 1;
        }
        return tokens;
    }

    /** The owners of a planner-made ring, slot by slot; rejects rings the planner did not make. */
    private static int[] slotOwners(HashRing ring) {
        int slots = ring.size();
        if (Integer.bitCount(slots) != 1 || slots < MIN_SLOTS / 2) {
            throw new IllegalArgumentException("not a slotted ring: " + slots + " tokens");
        }
        long[] expected = slotTokens(slots);
        for (int i = 0; i < slots; i++) {
            if (ring.token(i) != expected[i]) {
                throw new IllegalArgumentException("not a slotted ring: token " + i + " is off its slot");
            }
        }
        return ring.owners();
    }

    /** Splits every slot into {@code factor} slots with the same owner: moves no key. */
    private static int[] split(int[] owners, int factor) {
        if (factor == 1) {
            return owners;
        }
        int[] out = new int[owners.length * factor];
        for (int i = 0; i < out.length; i++) {
            out[i] = owners[i / factor];
        }
        return out;
    }

    private static List<Holding> holdings(int[] owners, int[] ids) {
        List<Holding> holdings = new ArrayList<>(ids.length);
        for (int id : ids) {
            holdings.add(new Holding(id));
        }
        for (int slot = 0; slot < owners.length; slot++) {
            int at = Arrays.binarySearch(ids, owners[slot]);
            if (at >= 0) {
                holdings.get(at).slots.add(slot);
            }
        }
        return holdings;
    }

    private static int[] distinctSorted(int[] ids) {
        for (int id : ids) {
            if (id < 0) {
                throw new IllegalArgumentException("negative shard id " + id);
            }
        }
        int[] sorted = Arrays.stream(ids).distinct().sorted().toArray();
        if (sorted.length != ids.length) {
            throw new IllegalArgumentException("duplicate shard ids in " + Arrays.toString(ids));
        }
        return sorted;
    }

    /** One shard's slots, ascending. */
    private static final class Holding {
        final int shardId;
        final List<Integer> slots = new ArrayList<>();

        Holding(int shardId) {
            this.shardId = shardId;
        }
    }
}
