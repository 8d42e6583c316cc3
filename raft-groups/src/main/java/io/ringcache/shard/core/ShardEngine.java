package io.ringcache.shard.core;

import io.ringcache.routing.Versions;
import io.ringcache.shard.core.Command.Expire;
import io.ringcache.shard.core.Command.VersionedKey;
import io.ringcache.shard.core.CommandResult.Rejected;
import java.util.ArrayList;
import java.util.List;

/**
 * One shard replica's deterministic state machine: applies committed log entries to a
 * {@link ShardStore} and answers reads. Pure domain logic: it never reads a clock or starts a
 * thread, so every replica that applies the same entries in the same order ends with the same
 * content, and tests drive it with any time they like.
 *
 * <h2>Time</h2>
 * Each entry carries the leader's clock at proposal. The engine applies it at
 * {@code max(entry time, time of the previous entry)}, so log time never runs backwards even
 * when a new leader's clock is behind the old one's. TTLs become absolute expiry times from that
 * log time; a key whose expiry is at or before the log time is absent for every command. Reads
 * use {@code max(reader's clock, log time)}, so nothing the log considers expired is returned.
 * The assumption: replica clocks are within the TTL granularity the application cares about.
 *
 * <h2>Versions</h2>
 * A write's version is {@code (log index << 16) | ordinal}, the ordinal counting the keys the
 * entry writes before it. Versions therefore grow strictly within a shard, even when group
 * commit puts several writes to one key into one entry, and a version names one write exactly.
 *
 * <h2>Errors</h2>
 * A command that cannot apply (too large, over budget, invalid) yields a {@link Rejected}
 * result and changes nothing; no input makes {@link #apply} throw.
 *
 * <h2>Splits</h2>
 * A {@link Command.Split} hands the keys of some ring slots, with the retry table, to a new shard
 * through {@link SplitHandOff}, then drops them; from that entry on every command and read that
 * names a key of those slots is refused ({@link ShardError#WRONG_SHARD}, {@link WrongShardException}),
 * because the key now lives in the child. The slots given away are part of the state (snapshots
 * carry them), so a replica restored from a snapshot refuses the same keys. A
 * {@link Command.PrepareSplit} before it changes no state: the adapter may start noting the
 * slots' writes ({@link #trackWrites}) and copying them in the background ({@link SplitCopy}).
 *
 * <h2>Eviction</h2>
 * A {@link Command.Evict} removes keys the leader's {@link EvictionPlanner} chose, each only while
 * it still has the version it was chosen at. Reads mark what they read ({@link ShardStore#read}),
 * so the planner of the replica that serves reads ranks by use; the marks are not replicated.
 *
 * <h2>Threading</h2>
 * {@link #apply} runs on one thread (the shard's apply thread). Reads may run concurrently on
 * other threads; see {@link ShardStore} for what they observe.
 */
public final class ShardEngine {

    /** See {@link Versions}: the layout is a contract with clients. */
    public static final int ORDINAL_BITS = Versions.ORDINAL_BITS;

    private final int shardId;
    /** The adapter's store seen through {@link TrackedStore}, which notes writes while a split is announced. */
    private final TrackedStore store;
    private final ShardLimits limits;
    private final ExpiryIndex expiryIndex;
    private final ExpiryLag expiryLag = new ExpiryLag();
    private final ClientSessions sessions = new ClientSessions();
    private final ShardCounters counters = new ShardCounters();
    private final EvictionPlanner eviction;
    private final HotKeys hotKeys = new HotKeys();
    private final ShardWrites writes;
    private final SplitHandOff handOff;
    /** The slots this shard gave away in splits. */
    private final GivenAwaySlots givenAway = new GivenAwaySlots();

    /** The latest entry time applied (or restored); volatile for readers on other threads. */
    private volatile long logTime;

    public ShardEngine(int shardId, ShardStore store, ShardLimits limits) {
        this(shardId, store, limits, SplitHandOff.NONE);
    }

    /** @param handOff where a split's moving keys go before this replica drops them */
    public ShardEngine(int shardId, ShardStore store, ShardLimits limits, SplitHandOff handOff) {
        this.shardId = shardId;
        this.handOff = handOff;
        this.store = new TrackedStore(store);
        this.limits = limits;
        this.expiryIndex = new ExpiryIndex();
        this.writes = new ShardWrites(shardId, this.store, limits, expiryIndex, expiryLag, counters);
        this.eviction = new EvictionPlanner(this.store, limits, shardId);
    }

    /** The version of the {@code ordinal}-th write of entry {@code index}. */
    public static long version(long index, int ordinal) {
        return Versions.of(index, ordinal);
    }

    /** The log index that wrote {@code version}. */
    public static long indexOf(long version) {
        return Versions.indexOf(version);
    }

    /**
     * Applies a committed entry at log index {@code index}.
     *
     * @return one result per command, in order
     */
    public List<CommandResult> apply(long index, CommandBatch batch) {
        return apply(index, batch, null);
    }

    /**
     * Applies a committed entry and reports to {@code changes} (when not null) every key whose
     * stored state the entry changed: written, deleted, compare-and-set that succeeded, touched
     * (expiry changed), batch-put or batch-deleted, reclaimed by expiry. Rejected commands,
     * failed compare-and-sets, deletes and touches of absent keys, and retries answered from
     * {@link ClientSessions} report nothing. A key changed twice is reported twice. A split reports every key it hands to the child.
     *
     * @return one result per command, in order
     */
    public List<CommandResult> apply(long index, CommandBatch batch, ChangedKeys changes) {
        writes.reportTo(changes);
        try {
            return applyBatch(index, batch);
        } finally {
            writes.reportTo(null);
        }
    }

    private List<CommandResult> applyBatch(long index, CommandBatch batch) {
        long now = Math.max(batch.timeMillis(), logTime);
        logTime = now;
        List<CommandResult> results = new ArrayList<>(batch.commands().size());
        int ordinal = 0;
        for (Command command : batch.commands()) {
            int writes = command.writes();
            if (ordinal + writes > CommandBatch.MAX_WRITES) {
                results.add(new Rejected(ShardError.INVALID_ARGUMENT,
                        "an entry may write at most " + CommandBatch.MAX_WRITES + " keys"));
                continue;
            }
            try {
                results.add(applyOne(command, index, ordinal, now));
            } catch (StoreFullException e) {
                // The adapter left the store unchanged; a partly applied batch keeps what it wrote.
                results.add(new Rejected(ShardError.RESOURCE_EXHAUSTED, "shard " + shardId + ": " + e.getMessage()));
            }
            ordinal += writes;
        }
        return results;
    }

    private CommandResult applyOne(Command command, long index, int ordinal, long now) {
        if (command instanceof Command.Split split) {
            return split(split, index);
        }
        if (command instanceof Command.PrepareSplit prepare) {
            return prepareSplit(prepare, index);
        }
        SplitRecord moved = givenAway.movedRecord(command);
        if (moved != null) {
            // Checked before the retry table: the child has that table too, and answers retries.
            return new Rejected(ShardError.WRONG_SHARD, new WrongShardException(shardId, moved).getMessage());
        }
        if (command instanceof Command.Tagged t) {
            CommandResult earlier = sessions.remembered(t.clientId(), t.sequence());
            if (earlier != null) {
                return earlier;
            }
            CommandResult result = applyOne(t.command(), index, ordinal, now);
            sessions.remember(t.clientId(), t.sequence(), result);
            return result;
        }
        return writes.apply(command, index, ordinal, now);
    }

    // ---- splits ----

    private CommandResult split(Command.Split split, long index) {
        CommandResult refused = refusedSplit(split.childShard(), split.slots());
        if (refused != null) {
            return refused;
        }
        List<byte[]> known = handOff.handOff(split, index, this);
        // From here the keys are the child's: an announcement's tracking has done its work.
        store.track(null);
        List<byte[]> moving = known;
        if (moving == null) {
            // Collected first: the store may not be changed while it is being visited.
            List<byte[]> found = new ArrayList<>();
            SlotSet.KeyProbe probe = new SlotSet.KeyProbe();
            store.forEach((key, value, version, expiresAt) -> {
                if (probe.contains(split.slots(), key)) {
                    byte[] k = new byte[key.capacity()];
                    key.getBytes(0, k);
                    found.add(k);
                }
            });
            moving = found;
        }
        for (byte[] k : moving) {
            store.remove(k);
            // Gone from this shard: a near cache that read it here drops it and reads it anew,
            // through the map that routes it to the child.
            writes.changed(k);
        }
        givenAway.add(new SplitRecord(split.childShard(), index, split.slots(), split.childMembers()));
        return new CommandResult.SplitDone(split.childShard(), index, moving.size(), false);
    }

    /**
     * Why a split of {@code slots} into {@code child} cannot apply, or null when it can; a split
     * that already applied with the same slots is answered as done.
     */
    private CommandResult refusedSplit(int child, SlotSet slots) {
        if (child == shardId) {
            return new Rejected(ShardError.INVALID_ARGUMENT, "shard " + shardId + " cannot split into itself");
        }
        for (SplitRecord done : givenAway.splits()) {
            if (done.childShard() == child) {
                return done.slots().equals(slots)
                        ? new CommandResult.SplitDone(done.childShard(), done.index(), 0, true)
                        : new Rejected(ShardError.INVALID_ARGUMENT, "shard " + shardId + " already gave shard "
                                + done.childShard() + " other slots (" + done.slots() + ") at index " + done.index());
            }
            if (done.slots().intersects(slots)) {
                return new Rejected(ShardError.INVALID_ARGUMENT, "some of these slots left shard " + shardId
                        + " for shard " + done.childShard() + " at index " + done.index());
            }
        }
        return null;
    }

    /**
     * A split announced ({@link Command.PrepareSplit}): checked as the split will be, then handed
     * to the adapter, which may start tracking and copying. Changes no state.
     */
    private CommandResult prepareSplit(Command.PrepareSplit prepare, long index) {
        CommandResult refused = refusedSplit(prepare.childShard(), prepare.slots());
        if (refused != null) {
            return refused;
        }
        handOff.prepare(prepare, index, this);
        return new CommandResult.SplitPrepared(prepare.childShard(), index);
    }

    /** At most this many distinct keys of announced slots are noted; past it the split copies as if unannounced. */
    public static final int MAX_TRACKED_KEYS = 1 << 20;

    /**
     * Starts noting every change to the keys of {@code slots} (replacing any earlier tracking);
     * for {@link SplitHandOff#prepare}, on the apply thread. The tracking ends at the next split
     * or announcement of this shard, or when the store is restored from a snapshot.
     */
    public SlotWrites trackWrites(SlotSet slots) {
        SlotWrites writes = new SlotWrites(slots, MAX_TRACKED_KEYS);
        store.track(writes);
        return writes;
    }

    /** The split that took {@code key}'s slot, or null when the key is this shard's. */
    public SplitRecord movedBy(byte[] key) {
        return givenAway.movedBy(key);
    }

    /** The splits this shard went through, oldest first. */
    public List<SplitRecord> splits() {
        return givenAway.splits();
    }

    /** Replaces the splits after a snapshot restore. */
    void restoreSplits(List<SplitRecord> restored) {
        givenAway.restore(restored);
    }

    private void refuseMoved(byte[] key) {
        SplitRecord moved = givenAway.movedBy(key);
        if (moved != null) {
            throw new WrongShardException(shardId, moved);
        }
    }

    // ---- reads ----

    /**
     * The live value of {@code key} at {@code max(now, log time)}, or null.
     *
     * @throws WrongShardException when the key's slot left this shard in a split
     */
    public StoredValue get(byte[] key, long now) {
        refuseMoved(key);
        StoredValue v = store.read(key, now);
        boolean live = v != null && !v.expiredAt(Math.max(now, logTime));
        counters.read(live);
        hotKeys.read(key);
        return live ? v : null;
    }

    /**
     * Answers a query at {@code max(now, log time)}.
     *
     * @throws WrongShardException when a key it names left this shard in a split
     */
    public ResultCodec.Answer query(Query query, long now) {
        if (query instanceof Query.Get g) {
            return new ResultCodec.Answer.Value(get(g.key(), now));
        }
        if (query instanceof Query.BatchGet b) {
            List<StoredValue> values = new ArrayList<>(b.keys().size());
            for (byte[] key : b.keys()) {
                values.add(get(key, now));
            }
            return new ResultCodec.Answer.Values(values);
        }
        if (query instanceof Query.Scan sc) {
            return scan(sc, Math.max(now, logTime));
        }
        return new ResultCodec.Answer.Digest(ShardDigest.of(store), store.bytesUsed());
    }

    /**
     * The {@code count} smallest live keys after {@code after}: one pass over the store keeping the
     * best {@code count + 1} in a bounded sorted set, so a step costs O(entries x log count) and a
     * whole scan O(entries^2 / count); the store has no ordered index to resume from.
     */
    private ResultCodec.Answer scan(Query.Scan sc, long at) {
        java.util.TreeSet<byte[]> best = new java.util.TreeSet<>(java.util.Arrays::compareUnsigned);
        int keep = sc.count() + 1; // one more than asked tells whether more keys follow
        store.forEach((key, value, version, expiresAt) -> {
            if (expiresAt != 0 && expiresAt <= at) {
                return;
            }
            // Compared in place: only a key that makes the cut is copied out of the store.
            if (compareUnsigned(key, sc.after()) <= 0
                    || (best.size() == keep && compareUnsigned(key, best.last()) >= 0)) {
                return;
            }
            byte[] k = new byte[key.capacity()];
            key.getBytes(0, k);
            if (best.size() == keep) {
                best.pollLast();
            }
            best.add(k);
        });
        boolean more = best.size() == keep;
        if (more) {
            best.pollLast();
        }
        return new ResultCodec.Answer.Keys(new ArrayList<>(best), more);
    }

    /** Unsigned byte order of a key in the store against {@code other}, as {@link java.util.Arrays#compareUnsigned}. */
    private static int compareUnsigned(org.agrona.DirectBuffer key, byte[] other) {
        int n = Math.min(key.capacity(), other.length);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(key.getByte(i) & 0xFF, other[i] & 0xFF);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(key.capacity(), other.length);
    }

    // ---- expiry ----

    /**
     * Plans the reclamation of keys expired at {@code now}: drains due entries of the expiry
     * index, keeps those still present with the same version and expired, and groups them into
     * {@link Expire} commands of at most {@code maxKeysPerCommand} keys, {@code maxKeys} in all.
     * Keys beyond {@code maxKeys} stay in the index for the next call. Called on the leader.
     */
    public List<Expire> planExpiry(long now, int maxKeysPerCommand, int maxKeys) {
        long at = Math.max(now, logTime);
        List<Expire> out = new ArrayList<>();
        List<VersionedKey> current = new ArrayList<>();
        int[] planned = {0};
        ShardStore.Meta m = new ShardStore.Meta();
        expiryIndex.drainDue(at, maxKeys, (key, version, expiresAt) -> {
            if (store.readMeta(key, m) && m.version == version && m.expiresAt == expiresAt) {
                current.add(new VersionedKey(key, version));
                planned[0]++;
                if (current.size() == maxKeysPerCommand) {
                    out.add(new Expire(List.copyOf(current)));
                    current.clear();
                }
            }
        });
        if (!current.isEmpty()) {
            out.add(new Expire(List.copyOf(current)));
        }
        return out;
    }

    /**
     * Rebuilds the expiry index from the store: after a snapshot restore, and when this replica
     * becomes leader (a follower's index may lack what an old leader drained but never reclaimed).
     */
    public void rebuildExpiryIndex() {
        expiryIndex.clear();
        byte[][] scratch = new byte[1][];
        store.forEach((key, value, version, expiresAt) -> {
            if (expiresAt != 0) {
                scratch[0] = new byte[key.capacity()];
                key.getBytes(0, scratch[0]);
                expiryIndex.add(scratch[0], version, expiresAt);
            }
        });
    }

    /**
     * Takes {@code gathered} as the expiry index, instead of {@link #rebuildExpiryIndex}: a split
     * child's store filled by {@link SplitCopy}, which gathered every expiring entry it put
     * there (and perhaps stale ones, which the index tolerates).
     */
    void adoptExpiryIndex(ExpiryIndex gathered) {
        expiryIndex.takeFrom(gathered);
    }

    /** Drops index entries due before {@code before}: followers call it, the leader reclaims those keys. */
    public void pruneExpiryIndex(long before) {
        expiryIndex.drainDue(before - 1, Integer.MAX_VALUE, (key, version, expiresAt) -> { });
    }

    // ---- state ----

    /** Replaces the log time after a snapshot restore. */
    public void restoreLogTime(long time) {
        logTime = time;
    }

    public long logTime() {
        return logTime;
    }

    public int shardId() {
        return shardId;
    }

    public ShardStore store() {
        return store;
    }

    public ShardLimits limits() {
        return limits;
    }

    /** The retry table of tagged writes (for snapshots and metrics). */
    public ClientSessions sessions() {
        return sessions;
    }

    public ExpiryLag expiryLag() {
        return expiryLag;
    }

    /** The keys this replica reads most. */
    public HotKeys hotKeys() {
        return hotKeys;
    }

    /** Chooses the keys this shard's leader evicts. */
    public EvictionPlanner eviction() {
        return eviction;
    }

    /** Reads, evictions and expiries this replica counted since it started. */
    public ShardCounters counters() {
        return counters;
    }

    /** Keys tracked for expiry (including stale entries not yet drained). */
    public long expiryBacklog() {
        return expiryIndex.size();
    }
}
