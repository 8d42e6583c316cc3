package io.ringcache.shard.core;

import io.ringcache.routing.Versions;
import io.ringcache.shard.core.Command.BatchDelete;
import io.ringcache.shard.core.Command.BatchPut;
import io.ringcache.shard.core.Command.CompareAndSet;
import io.ringcache.shard.core.Command.Delete;
import io.ringcache.shard.core.Command.Expectation;
import io.ringcache.shard.core.Command.Expire;
import io.ringcache.shard.core.Command.VersionedKey;
import io.ringcache.shard.core.Command.Put;
import io.ringcache.shard.core.Command.Touch;
import io.ringcache.shard.core.CommandResult.Rejected;
import java.util.ArrayList;
import java.util.List;

/**
 * The writes of one shard replica: what each command does to the {@link ShardStore}, with its
 * checks (sizes, TTLs, the memory budget) and its bookkeeping (the expiry index, the keys it
 * changed). {@link ShardEngine} owns it and calls it from the apply thread only; the engine keeps
 * what is about entries as a whole (log time, versions' ordinals, client sessions) and reads.
 */
final class ShardWrites {

    private final int shardId;
    private final ShardStore store;
    private final ShardLimits limits;
    private final ExpiryIndex expiryIndex;
    private final ExpiryLag expiryLag;
    private final ShardCounters counters;
    /** Scratch for metadata reads; apply thread only. */
    private final ShardStore.Meta meta = new ShardStore.Meta();

    /**
     * Where the entry being applied reports the keys it changes, or null (the common case: nobody
     * listens, and no key is reported, so apply costs one null check per changed key). Set only
     * for the duration of one entry, on the apply thread.
     */
    private ChangedKeys changes;

    ShardWrites(int shardId, ShardStore store, ShardLimits limits, ExpiryIndex expiryIndex, ExpiryLag expiryLag,
                ShardCounters counters) {
        this.shardId = shardId;
        this.counters = counters;
        this.store = store;
        this.limits = limits;
        this.expiryIndex = expiryIndex;
        this.expiryLag = expiryLag;
    }

    void reportTo(ChangedKeys changes) {
        this.changes = changes;
    }

    /** Applies one untagged command at log time {@code now}; its first write gets ordinal {@code ordinal}. */
    CommandResult apply(Command command, long index, int ordinal, long now) {
        if (command instanceof Put p) {
            Rejected bad = checkWrite(p.key(), p.value(), p.ttlMillis());
            return bad != null ? bad : put(p, Versions.of(index, ordinal), now);
        }
        if (command instanceof Delete d) {
            Rejected bad = checkKey(d.key());
            return bad != null ? bad : delete(d.key(), now);
        }
        if (command instanceof CompareAndSet c) {
            return compareAndSet(c, Versions.of(index, ordinal), now);
        }
        if (command instanceof Touch t) {
            Rejected bad = checkKey(t.key());
            if (bad == null) {
                bad = checkTtl(t.ttlMillis());
            }
            return bad != null ? bad : touch(t, now);
        }
        if (command instanceof Command.Set x) {
            return set(x, Versions.of(index, ordinal), now);
        }
        if (command instanceof Command.Increment x) {
            Rejected bad = checkKey(x.key());
            return bad != null ? bad : increment(x, Versions.of(index, ordinal), now);
        }
        if (command instanceof Command.Append x) {
            Rejected bad = checkKey(x.key());
            return bad != null ? bad : append(x, Versions.of(index, ordinal), now);
        }
        if (command instanceof Command.GetAndDelete x) {
            Rejected bad = checkKey(x.key());
            return bad != null ? bad : getAndDelete(x.key(), now);
        }
        if (command instanceof Command.GetAndTouch x) {
            Rejected bad = checkKey(x.key());
            return bad != null ? bad : getAndTouch(x, now);
        }
        if (command instanceof BatchPut b) {
            return batchPut(b, index, ordinal, now);
        }
        if (command instanceof Command.ExpireIf x) {
            Rejected bad = checkKey(x.key());
            return bad != null ? bad : expireIf(x, now);
        }
        if (command instanceof Command.BatchPutIfAbsent b) {
            for (Put p : b.puts()) {
                Rejected bad = checkWrite(p.key(), p.value(), p.ttlMillis());
                if (bad != null) {
                    return bad;
                }
                if (liveVersion(p.key(), now) != 0) {
                    return new CommandResult.SetOutcome(false, 0, null); // one key is live: nothing is written
                }
            }
            return batchPut(new BatchPut(b.puts()), index, ordinal, now);
        }
        if (command instanceof BatchDelete b) {
            return batchDelete(b, now);
        }
        if (command instanceof Command.Evict e) {
            return evict(e);
        }
        return expire((Expire) command, now);
    }

    private CommandResult put(Put p, long version, long now) {
        long previous = liveVersion(p.key(), now);
        if (!fits(p.key(), p.value().length)) {
            return full(p.key().length + p.value().length);
        }
        long expiresAt = expiryFor(p.ttlMillis(), now);
        store.put(p.key(), p.value(), version, expiresAt, now);
        trackExpiry(p.key(), version, expiresAt);
        changed(p.key());
        return new CommandResult.Written(version, previous);
    }

    private CommandResult delete(byte[] key, long now) {
        // Present but expired and not yet reclaimed also counts as a change: a reader may have cached it live.
        boolean present = store.readMeta(key, meta);
        long live = present && (meta.expiresAt == 0 || meta.expiresAt > now) ? meta.version : 0;
        store.remove(key);
        if (present) {
            changed(key);
        }
        return new CommandResult.Deleted(live != 0, live);
    }

    private CommandResult compareAndSet(CompareAndSet c, long version, long now) {
        Rejected bad = checkWrite(c.key(), c.newValue(), c.ttlMillis());
        if (bad == null && c.expected() instanceof Expectation.Value v && v.value().length > limits.maxValueBytes()) {
            bad = tooLargeValue(v.value().length);
        }
        if (bad != null) {
            return bad;
        }
        boolean live = liveVersion(c.key(), now) != 0;
        boolean matches;
        if (c.expected() instanceof Expectation.Version v) {
            matches = live && meta.version == v.version();
        } else if (c.expected() instanceof Expectation.Value v) {
            matches = live && store.valueEquals(c.key(), v.value());
        } else {
            matches = !live;
        }
        if (!matches) {
            return new CommandResult.CasOutcome(false, 0, live ? store.get(c.key()) : null);
        }
        if (!fits(c.key(), c.newValue().length)) {
            return full(c.key().length + c.newValue().length);
        }
        long expiresAt = expiryFor(c.ttlMillis(), now);
        store.put(c.key(), c.newValue(), version, expiresAt, now);
        trackExpiry(c.key(), version, expiresAt);
        changed(c.key());
        return new CommandResult.CasOutcome(true, version, null);
    }

    private CommandResult touch(Touch t, long now) {
        if (liveVersion(t.key(), now) == 0) {
            return new CommandResult.Touched(false);
        }
        long expiresAt = expiryFor(t.ttlMillis(), now);
        store.setExpiry(t.key(), expiresAt);
        trackExpiry(t.key(), meta.version, expiresAt);
        changed(t.key());
        return new CommandResult.Touched(true);
    }

    /** Redis' SET: the condition is judged on the live key; an absolute expiry already past deletes it. */
    private CommandResult set(Command.Set x, long version, long now) {
        Rejected bad = checkWrite(x.key(), x.value(), x.absoluteExpiry() ? 0 : x.ttlMillis());
        if (bad != null) {
            return bad;
        }
        boolean live = liveVersion(x.key(), now) != 0;
        long liveExpiry = live ? meta.expiresAt : 0;
        StoredValue previous = live && x.returnPrevious() ? store.get(x.key()) : null;
        boolean holds = switch (x.condition()) {
            case ALWAYS -> true;
            case IF_ABSENT -> !live;
            case IF_PRESENT -> live;
        };
        if (!holds) {
            return new CommandResult.SetOutcome(false, 0, previous);
        }
        long expiresAt = x.keepTtl() ? liveExpiry
                : x.absoluteExpiry() ? x.ttlMillis() : expiryFor(x.ttlMillis(), now);
        if (!x.keepTtl() && x.absoluteExpiry() && expiresAt <= now) {
            delete(x.key(), now); // Redis: SET with a time already past leaves the key absent
            return new CommandResult.SetOutcome(true, 0, previous);
        }
        if (!fits(x.key(), x.value().length)) {
            return full(x.key().length + x.value().length);
        }
        store.put(x.key(), x.value(), version, expiresAt, now);
        trackExpiry(x.key(), version, expiresAt);
        changed(x.key());
        return new CommandResult.SetOutcome(true, version, previous);
    }

    private CommandResult increment(Command.Increment x, long version, long now) {
        boolean live = liveVersion(x.key(), now) != 0;
        long expiresAt = live ? meta.expiresAt : 0;
        long current = 0;
        if (live) {
            Long parsed = RedisIntegers.parse(store.get(x.key()).value());
            if (parsed == null) {
                return new Rejected(ShardError.INVALID_ARGUMENT, "value is not an integer or out of range");
            }
            current = parsed;
        }
        long next;
        try {
            next = Math.addExact(current, x.delta());
        } catch (ArithmeticException e) {
            return new Rejected(ShardError.INVALID_ARGUMENT, "increment or decrement would overflow");
        }
        byte[] text = Long.toString(next).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        if (!fits(x.key(), text.length)) {
            return full(x.key().length + text.length);
        }
        store.put(x.key(), text, version, expiresAt, now);
        trackExpiry(x.key(), version, expiresAt);
        changed(x.key());
        return new CommandResult.Counter(next);
    }

    private CommandResult append(Command.Append x, long version, long now) {
        boolean live = liveVersion(x.key(), now) != 0;
        long expiresAt = live ? meta.expiresAt : 0;
        byte[] before = live ? store.get(x.key()).value() : new byte[0];
        long length = (long) before.length + x.suffix().length;
        if (length > limits.maxValueBytes()) {
            return new Rejected(ShardError.VALUE_TOO_LARGE, "appending would make the value " + length
                    + " bytes, over the " + limits.maxValueBytes() + " byte limit");
        }
        byte[] after = java.util.Arrays.copyOf(before, (int) length);
        System.arraycopy(x.suffix(), 0, after, before.length, x.suffix().length);
        if (!fits(x.key(), after.length)) {
            return full(x.key().length + after.length);
        }
        store.put(x.key(), after, version, expiresAt, now);
        trackExpiry(x.key(), version, expiresAt);
        changed(x.key());
        return new CommandResult.Length(length);
    }

    private CommandResult getAndDelete(byte[] key, long now) {
        StoredValue previous = liveVersion(key, now) != 0 ? store.get(key) : null;
        delete(key, now);
        return new CommandResult.ValueOf(previous);
    }

    private CommandResult getAndTouch(Command.GetAndTouch x, long now) {
        if (!x.absoluteExpiry()) {
            Rejected bad = checkTtl(x.ttlMillis());
            if (bad != null) {
                return bad;
            }
        }
        if (liveVersion(x.key(), now) == 0) {
            return new CommandResult.ValueOf(null);
        }
        long expiresAt = x.absoluteExpiry() ? x.ttlMillis() : expiryFor(x.ttlMillis(), now);
        StoredValue current = store.get(x.key());
        if (x.absoluteExpiry() && expiresAt <= now) {
            delete(x.key(), now);
        } else {
            store.setExpiry(x.key(), expiresAt);
            trackExpiry(x.key(), current.version(), expiresAt);
            changed(x.key());
        }
        return new CommandResult.ValueOf(current); // as it was: PERSIST tells from it whether there was an expiry
    }

    private CommandResult expireIf(Command.ExpireIf x, long now) {
        if (liveVersion(x.key(), now) == 0) {
            return new CommandResult.Touched(false);
        }
        long current = meta.expiresAt == 0 ? Long.MAX_VALUE : meta.expiresAt; // no expiry: never
        long next = x.absoluteExpiry() ? x.ttlMillis()
                : x.ttlMillis() <= 0 ? now : expiryFor(x.ttlMillis(), now);
        boolean holds = switch (x.condition()) {
            case ALWAYS -> true;
            case NO_EXPIRY -> meta.expiresAt == 0;
            case HAS_EXPIRY -> meta.expiresAt != 0;
            case LATER -> next > current;
            case EARLIER -> next < current;
            case EARLIER_THAN_AN_EXPIRY -> meta.expiresAt != 0 && next < current;
        };
        if (!holds) {
            return new CommandResult.Touched(false);
        }
        if (next <= now) {
            delete(x.key(), now); // Redis: an expiry not in the future deletes the key
        } else {
            store.setExpiry(x.key(), next);
            trackExpiry(x.key(), meta.version, next);
            changed(x.key());
        }
        return new CommandResult.Touched(true);
    }

    /** All or nothing: every put is checked (size, then budget for the whole batch) before any applies. */
    private CommandResult batchPut(BatchPut b, long index, int ordinal, long now) {
        long growth = 0;
        for (Put p : b.puts()) {
            Rejected bad = checkWrite(p.key(), p.value(), p.ttlMillis());
            if (bad != null) {
                return bad;
            }
            growth += ShardStore.chargeOf(p.key().length, p.value().length)
                    - (store.readMeta(p.key(), meta) ? ShardStore.chargeOf(p.key().length, meta.valueLength) : 0);
        }
        if (growth > 0 && store.bytesUsed() + growth > limits.memoryBudgetBytes()) {
            return full(growth);
        }
        List<CommandResult> results = new ArrayList<>(b.puts().size());
        for (Put p : b.puts()) {
            long version = Versions.of(index, ordinal++);
            long previous = liveVersion(p.key(), now);
            long expiresAt = expiryFor(p.ttlMillis(), now);
            store.put(p.key(), p.value(), version, expiresAt, now);
            trackExpiry(p.key(), version, expiresAt);
            changed(p.key());
            results.add(new CommandResult.Written(version, previous));
        }
        return new CommandResult.Batch(results);
    }

    private CommandResult batchDelete(BatchDelete b, long now) {
        for (byte[] key : b.keys()) {
            Rejected bad = checkKey(key);
            if (bad != null) {
                return bad;
            }
        }
        List<CommandResult> results = new ArrayList<>(b.keys().size());
        for (byte[] key : b.keys()) {
            results.add(delete(key, now));
        }
        return new CommandResult.Batch(results);
    }

    private CommandResult expire(Expire e, long now) {
        int removed = 0;
        for (VersionedKey k : e.keys()) {
            if (store.readMeta(k.key(), meta) && meta.version == k.version()
                    && meta.expiresAt != 0 && meta.expiresAt <= now
                    && store.removeIfVersion(k.key(), k.version())) {
                expiryLag.record(now - meta.expiresAt);
                changed(k.key());
                removed++;
            }
        }
        counters.expired(removed);
        return new CommandResult.Expired(removed);
    }

    /** Removes each key that still has the version the leader chose it at; a rewritten key stays. */
    private CommandResult evict(Command.Evict e) {
        int removed = 0;
        long freed = 0;
        for (VersionedKey k : e.keys()) {
            if (store.readMeta(k.key(), meta) && meta.version == k.version()
                    && store.removeIfVersion(k.key(), k.version())) {
                changed(k.key());
                removed++;
                freed += ShardStore.chargeOf(k.key().length, meta.valueLength);
            }
        }
        counters.evicted(removed, freed);
        return new CommandResult.Evicted(removed, freed);
    }

    /** Reports {@code key} as changed by the entry being applied, when someone listens. */
    void changed(byte[] key) {
        if (changes != null) {
            changes.changed(key);
        }
    }

    /** The live version of {@code key} at {@code now} (0 when absent or expired); fills {@link #meta}. */
    private long liveVersion(byte[] key, long now) {
        if (!store.readMeta(key, meta)) {
            return 0;
        }
        return meta.expiresAt != 0 && meta.expiresAt <= now ? 0 : meta.version;
    }

    private boolean fits(byte[] key, int valueLength) {
        long charge = ShardStore.chargeOf(key.length, valueLength);
        long freed = store.readMeta(key, meta) ? ShardStore.chargeOf(key.length, meta.valueLength) : 0;
        return charge <= freed || store.bytesUsed() - freed + charge <= limits.memoryBudgetBytes();
    }

    private Rejected full(long wanted) {
        return new Rejected(ShardError.RESOURCE_EXHAUSTED, "shard " + shardId + " is full: "
                + store.bytesUsed() + " of its " + limits.memoryBudgetBytes()
                + " byte budget used, the write needs " + wanted + " more (maxmemory policy "
                + limits.evictionPolicy() + (limits.evictionPolicy().evicts() ? ", nothing evictable made room)" : ")"));
    }

    private Rejected checkWrite(byte[] key, byte[] value, long ttlMillis) {
        Rejected bad = checkKey(key);
        if (bad == null && value.length > limits.maxValueBytes()) {
            bad = tooLargeValue(value.length);
        }
        return bad != null ? bad : checkTtl(ttlMillis);
    }

    private Rejected checkKey(byte[] key) {
        if (key.length == 0) {
            return new Rejected(ShardError.INVALID_ARGUMENT, "key must not be empty");
        }
        if (key.length > limits.maxKeyBytes()) {
            return new Rejected(ShardError.KEY_TOO_LARGE,
                    "key of " + key.length + " bytes exceeds the " + limits.maxKeyBytes() + " byte limit");
        }
        return null;
    }

    private Rejected tooLargeValue(int length) {
        return new Rejected(ShardError.VALUE_TOO_LARGE,
                "value of " + length + " bytes exceeds the " + limits.maxValueBytes() + " byte limit");
    }

    private static Rejected checkTtl(long ttlMillis) {
        return ttlMillis < 0 ? new Rejected(ShardError.INVALID_ARGUMENT, "ttl must not be negative: " + ttlMillis) : null;
    }

    private static long expiryFor(long ttlMillis, long now) {
        if (ttlMillis == 0) {
            return 0;
        }
        long at = now + ttlMillis;
        return at < now ? Long.MAX_VALUE : at; // a TTL so long it overflows never expires in practice
    }

    private void trackExpiry(byte[] key, long version, long expiresAt) {
        if (expiresAt != 0) {
            expiryIndex.add(key, version, expiresAt);
        }
    }
}
