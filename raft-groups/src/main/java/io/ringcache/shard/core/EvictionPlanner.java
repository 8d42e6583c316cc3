package io.ringcache.shard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * The leader's choice of keys to evict from one shard, by the shard's {@link EvictionPolicy}.
 * Victims are proposed as {@link Command.Evict} entries, so every replica removes the same keys;
 * this class only chooses. Owned by the shard's {@link ShardEngine}; thread-safe (the host's
 * ticker and the write path may both ask).
 *
 * <h2>When</h2>
 * <ul>
 *   <li>Each tick ({@link #planTick}): when the shard holds more than {@link #START_FRACTION} of
 *       its budget, evict down to {@link #TARGET_FRACTION}, so bursts of writes find room.</li>
 *   <li>Before a write ({@link #planRoomFor}): when the shard plus the write's growth passes
 *       {@link #URGENT_FRACTION}, evict down to the target first; the write waits one round of
 *       consensus instead of being refused.</li>
 * </ul>
 *
 * <h2>How (approximate, as Redis')</h2>
 * Redis samples five keys per eviction and keeps a pool of the best sixteen. Evictions here come
 * in batches, so this samples whole parts of the store ({@link ShardStore#sample}, each a random
 * subset by hash), at least {@link #SAMPLE_RATIO} entries per victim wanted, keeps the
 * highest-ranked candidates in a bounded heap, and evicts the best of them until enough bytes are
 * freed. Each victim is thus among the worst tenth of a random sample, a little better than
 * Redis' best-of-five plus pool. Parts are visited round-robin from where the last plan stopped.
 * Already expired keys rank first under every policy. The rank:
 * <ul>
 *   <li>LRU: idle time from the replica's recency stamps ({@link KeyAccess});</li>
 *   <li>LFU: the decayed frequency counter, least first, idle time breaking ties;</li>
 *   <li>random: a random number from a generator seeded by the shard id;</li>
 *   <li>volatile-ttl: the soonest expiry.</li>
 * </ul>
 * What a new leader starts from: its own replica's marks, which saw every write (stamped with the
 * entry's time) but only the reads served by this replica. Until clients' reads reach it, a new
 * leader ranks by write recency, and keys only read are the first it evicts; keys restored from a
 * snapshot carry no marks and rank as the least used of all.
 */
public final class EvictionPlanner {

    /** A tick evicts when the shard holds more than this share of its budget... */
    public static final double START_FRACTION = 0.95;
    /** ...down to this share. */
    public static final double TARGET_FRACTION = 0.92;
    /** A write that would take the shard past this share waits for an eviction first. */
    public static final double URGENT_FRACTION = 0.98;
    /** Entries sampled per victim wanted. */
    public static final int SAMPLE_RATIO = 10;
    /** The smallest sample. */
    public static final int MIN_SAMPLE = 64;
    /** Keys in one Evict command. */
    public static final int KEYS_PER_COMMAND = 1_000;
    /** Key bytes in one Evict command, so an entry of evictions stays far below the entry limit. */
    public static final int KEY_BYTES_PER_COMMAND = 256 * 1024;
    /** Keys one plan evicts at most. */
    public static final int KEYS_PER_PLAN = 10_000;

    private final ShardStore store;
    private final ShardLimits limits;
    private final SplittableRandom random;
    private int nextPart;

    EvictionPlanner(ShardStore store, ShardLimits limits, long seed) {
        this.store = store;
        this.limits = limits;
        this.random = new SplittableRandom(seed);
    }

    /** The shard's policy. */
    public EvictionPolicy policy() {
        return limits.evictionPolicy();
    }

    /** A tick's evictions: none unless the shard is past {@link #START_FRACTION} of its budget. */
    public synchronized List<Command.Evict> planTick(long nowMillis) {
        long used = store.bytesUsed();
        if (!policy().evicts() || used <= START_FRACTION * limits.memoryBudgetBytes()) {
            return List.of();
        }
        return plan(used - (long) (TARGET_FRACTION * limits.memoryBudgetBytes()), nowMillis);
    }

    /**
     * Evictions to apply before commands that add {@code growthBytes}: none unless the shard
     * would pass {@link #URGENT_FRACTION} of its budget.
     */
    public synchronized List<Command.Evict> planRoomFor(long growthBytes, long nowMillis) {
        long used = store.bytesUsed();
        if (!policy().evicts() || growthBytes <= 0 || used + growthBytes <= URGENT_FRACTION * limits.memoryBudgetBytes()) {
            return List.of();
        }
        return plan(used + growthBytes - (long) (TARGET_FRACTION * limits.memoryBudgetBytes()), nowMillis);
    }

    /** Evictions that free at least {@code bytesToFree} logical bytes if the sample allows, else as many as it does. */
    synchronized List<Command.Evict> plan(long bytesToFree, long nowMillis) {
        if (!policy().evicts() || bytesToFree <= 0 || store.size() == 0) {
            return List.of();
        }
        long averageCharge = Math.max(1, store.bytesUsed() / Math.max(1, store.size()));
        int wanted = (int) Math.min(KEYS_PER_PLAN, bytesToFree / averageCharge + 1);
        long sampleTarget = Math.max(MIN_SAMPLE, (long) wanted * SAMPLE_RATIO);
        // Twice the victims wanted: sizes vary, and the best by rank may be the smallest.
        Candidates candidates = new Candidates(2 * wanted, policy(), nowMillis, random);
        int parts = store.sampleParts();
        for (int visited = 0; visited < parts && candidates.sampled < sampleTarget; visited++) {
            int part = nextPart;
            nextPart = (nextPart + 1) % parts;
            store.sample(part, candidates::offer);
        }
        return candidates.victims(bytesToFree);
    }

    /**
     * The logical bytes {@code commands} may add to a shard: every value they may write, charged
     * in full (an overwrite frees the old value, which this does not subtract: it errs towards
     * room).
     */
    public static long growthOf(List<Command> commands) {
        long growth = 0;
        for (Command c : commands) {
            growth += growthOf(c);
        }
        return growth;
    }

    private static long growthOf(Command command) {
        Command c = command instanceof Command.Tagged t ? t.command() : command;
        if (c instanceof Command.Put p) {
            return ShardStore.chargeOf(p.key().length, p.value().length);
        } else if (c instanceof Command.Set x) {
            return ShardStore.chargeOf(x.key().length, x.value().length);
        } else if (c instanceof Command.CompareAndSet x) {
            return ShardStore.chargeOf(x.key().length, x.newValue().length);
        } else if (c instanceof Command.Append x) {
            return x.suffix().length + ShardStore.chargeOf(x.key().length, 0);
        } else if (c instanceof Command.Increment x) {
            return ShardStore.chargeOf(x.key().length, 20);
        } else if (c instanceof Command.BatchPut b) {
            return growthOfPuts(b.puts());
        } else if (c instanceof Command.BatchPutIfAbsent b) {
            return growthOfPuts(b.puts());
        }
        return 0;
    }

    private static long growthOfPuts(List<Command.Put> puts) {
        long growth = 0;
        for (Command.Put p : puts) {
            growth += ShardStore.chargeOf(p.key().length, p.value().length);
        }
        return growth;
    }

    /** The best-ranked sampled entries, at most {@code capacity}, in a min-heap by rank. */
    private static final class Candidates {
        private record Candidate(byte[] key, long version, long charge, long rank) {
        }

        private final int capacity;
        private final EvictionPolicy policy;
        private final long now;
        private final SplittableRandom random;
        private final PriorityQueue<Candidate> heap;
        long sampled;

        Candidates(int capacity, EvictionPolicy policy, long now, SplittableRandom random) {
            this.capacity = capacity;
            this.policy = policy;
            this.now = now;
            this.random = random;
            this.heap = new PriorityQueue<>(Math.min(capacity, 1024), (a, b) -> Long.compare(a.rank, b.rank));
        }

        void offer(org.agrona.DirectBuffer key, long version, long expiresAt, int valueLength, int stamp, int frequency) {
            if (policy.volatileOnly() && expiresAt == 0) {
                return;
            }
            sampled++;
            long rank = rank(expiresAt, stamp, frequency);
            if (heap.size() == capacity && rank <= heap.peek().rank) {
                return; // only now is the key copied: most sampled entries cost no allocation
            }
            byte[] k = new byte[key.capacity()];
            key.getBytes(0, k);
            if (heap.size() == capacity) {
                heap.poll();
            }
            heap.add(new Candidate(k, version, ShardStore.chargeOf(k.length, valueLength), rank));
        }

        /** Higher is evicted first. */
        private long rank(long expiresAt, int stamp, int frequency) {
            if (expiresAt != 0 && expiresAt <= now) {
                return Long.MAX_VALUE; // already dead: reclaim before anything live
            }
            long idle = Math.min(KeyAccess.idleMillis(stamp, now), (1L << 40) - 1);
            return switch (policy.rank()) {
                case IDLE -> idle;
                case FREQUENCY -> ((long) (255 - KeyAccess.counter(frequency, now)) << 40) | idle;
                case RANDOM -> random.nextLong() >>> 1;
                case EXPIRY -> Long.MAX_VALUE - 1 - Math.max(0, expiresAt);
                case NONE -> 0;
            };
        }

        List<Command.Evict> victims(long bytesToFree) {
            List<Candidate> best = new ArrayList<>(heap);
            best.sort((a, b) -> Long.compare(b.rank, a.rank));
            List<Command.Evict> out = new ArrayList<>();
            List<Command.VersionedKey> current = new ArrayList<>();
            long freed = 0;
            int keyBytes = 0;
            for (Candidate c : best) {
                if (freed >= bytesToFree) {
                    break;
                }
                if (current.size() == KEYS_PER_COMMAND || keyBytes + c.key.length > KEY_BYTES_PER_COMMAND) {
                    out.add(new Command.Evict(List.copyOf(current)));
                    current.clear();
                    keyBytes = 0;
                }
                current.add(new Command.VersionedKey(c.key, c.version));
                keyBytes += c.key.length;
                freed += c.charge;
            }
            if (!current.isEmpty()) {
                out.add(new Command.Evict(List.copyOf(current)));
            }
            return out;
        }
    }
}
