package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.core.Command.CompareAndSet;
import io.ringcache.shard.core.Command.Expectation;
import io.ringcache.shard.core.CommandResult.CasOutcome;
import io.ringcache.shard.core.CommandResult.Rejected;
import io.ringcache.shard.core.CommandResult.Written;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The shard engine's semantics, checked against a deliberately simple reference model with an
 * injected clock: random sequences of put/get/delete/CAS/touch/clock-advance, each applied as a
 * log entry through the encoding, then compared result by result. A subclass names the store.
 */
public abstract class ShardEngineContract {

    protected abstract ShardStore newStore();

    /** The reference: a map of live entries and the rules of TTL and versions, written plainly. */
    static final class Model {
        record Entry(byte[] value, long version, long expiresAt) {
        }

        final Map<String, Entry> entries = new HashMap<>();

        Entry live(String key, long now) {
            Entry e = entries.get(key);
            return e == null || (e.expiresAt != 0 && e.expiresAt <= now) ? null : e;
        }

        CommandResult apply(Command c, long version, long now) {
            if (c instanceof Command.Put p) {
                Entry prev = live(k(p.key()), now);
                entries.put(k(p.key()), new Entry(p.value(), version, p.ttlMillis() == 0 ? 0 : now + p.ttlMillis()));
                return new Written(version, prev == null ? 0 : prev.version);
            }
            if (c instanceof Command.Delete d) {
                Entry prev = live(k(d.key()), now);
                entries.remove(k(d.key()));
                return new CommandResult.Deleted(prev != null, prev == null ? 0 : prev.version);
            }
            if (c instanceof Command.Touch t) {
                Entry e = live(k(t.key()), now);
                if (e != null) {
                    entries.put(k(t.key()), new Entry(e.value, e.version, t.ttlMillis() == 0 ? 0 : now + t.ttlMillis()));
                }
                return new CommandResult.Touched(e != null);
            }
            if (c instanceof Command.Set x) {
                Entry e = live(k(x.key()), now);
                StoredValue prev = x.returnPrevious() && e != null ? new StoredValue(e.value, e.version, e.expiresAt) : null;
                boolean holds = switch (x.condition()) {
                    case ALWAYS -> true;
                    case IF_ABSENT -> e == null;
                    case IF_PRESENT -> e != null;
                };
                if (!holds) {
                    return new CommandResult.SetOutcome(false, 0, prev);
                }
                long expiresAt = x.keepTtl() ? (e == null ? 0 : e.expiresAt)
                        : x.absoluteExpiry() ? x.ttlMillis() : x.ttlMillis() == 0 ? 0 : now + x.ttlMillis();
                if (x.absoluteExpiry() && !x.keepTtl() && expiresAt <= now) {
                    entries.remove(k(x.key()));
                    return new CommandResult.SetOutcome(true, 0, prev);
                }
                entries.put(k(x.key()), new Entry(x.value(), version, expiresAt));
                return new CommandResult.SetOutcome(true, version, prev);
            }
            if (c instanceof Command.ExpireIf x) {
                Entry e = live(k(x.key()), now);
                if (e == null) {
                    return new CommandResult.Touched(false);
                }
                long current = e.expiresAt == 0 ? Long.MAX_VALUE : e.expiresAt;
                long next = x.absoluteExpiry() ? x.ttlMillis() : x.ttlMillis() <= 0 ? now : now + x.ttlMillis();
                boolean holds = switch (x.condition()) {
                    case ALWAYS -> true;
                    case NO_EXPIRY -> e.expiresAt == 0;
                    case HAS_EXPIRY -> e.expiresAt != 0;
                    case LATER -> next > current;
                    case EARLIER -> next < current;
                    case EARLIER_THAN_AN_EXPIRY -> e.expiresAt != 0 && next < current;
                };
                if (!holds) {
                    return new CommandResult.Touched(false);
                }
                if (next <= now) {
                    entries.remove(k(x.key()));
                } else {
                    entries.put(k(x.key()), new Entry(e.value, e.version, next));
                }
                return new CommandResult.Touched(true);
            }
            if (c instanceof Command.BatchPutIfAbsent x) {
                for (Command.Put p : x.puts()) {
                    if (live(k(p.key()), now) != null) {
                        return new CommandResult.SetOutcome(false, 0, null);
                    }
                }
                List<CommandResult> results = new java.util.ArrayList<>();
                long v = version;
                for (Command.Put p : x.puts()) {
                    results.add(apply(p, v++, now));
                }
                return new CommandResult.Batch(results);
            }
            if (c instanceof Command.Increment x) {
                Entry e = live(k(x.key()), now);
                String text = e == null ? "0" : new String(e.value, StandardCharsets.UTF_8);
                if (!text.matches("0|-?[1-9][0-9]{0,18}")) {
                    return new Rejected(ShardError.INVALID_ARGUMENT, "value is not an integer or out of range");
                }
                long current;
                try {
                    current = Long.parseLong(text);
                } catch (NumberFormatException overflow) {
                    return new Rejected(ShardError.INVALID_ARGUMENT, "value is not an integer or out of range");
                }
                long next;
                try {
                    next = Math.addExact(current, x.delta());
                } catch (ArithmeticException overflow) {
                    return new Rejected(ShardError.INVALID_ARGUMENT, "increment or decrement would overflow");
                }
                entries.put(k(x.key()), new Entry(b(Long.toString(next)), version, e == null ? 0 : e.expiresAt));
                return new CommandResult.Counter(next);
            }
            if (c instanceof Command.Append x) {
                Entry e = live(k(x.key()), now);
                byte[] before = e == null ? new byte[0] : e.value;
                byte[] after = Arrays.copyOf(before, before.length + x.suffix().length);
                System.arraycopy(x.suffix(), 0, after, before.length, x.suffix().length);
                entries.put(k(x.key()), new Entry(after, version, e == null ? 0 : e.expiresAt));
                return new CommandResult.Length(after.length);
            }
            if (c instanceof Command.GetAndDelete x) {
                Entry e = live(k(x.key()), now);
                entries.remove(k(x.key()));
                return new CommandResult.ValueOf(e == null ? null : new StoredValue(e.value, e.version, e.expiresAt));
            }
            if (c instanceof Command.GetAndTouch x) {
                Entry e = live(k(x.key()), now);
                if (e == null) {
                    return new CommandResult.ValueOf(null);
                }
                long expiresAt = x.absoluteExpiry() ? x.ttlMillis() : x.ttlMillis() == 0 ? 0 : now + x.ttlMillis();
                if (x.absoluteExpiry() && expiresAt <= now) {
                    entries.remove(k(x.key()));
                } else {
                    entries.put(k(x.key()), new Entry(e.value, e.version, expiresAt));
                }
                return new CommandResult.ValueOf(new StoredValue(e.value, e.version, e.expiresAt));
            }
            CompareAndSet cas = (CompareAndSet) c;
            Entry e = live(k(cas.key()), now);
            boolean ok;
            if (cas.expected() instanceof Expectation.Version v) {
                ok = e != null && e.version == v.version();
            } else if (cas.expected() instanceof Expectation.Value v) {
                ok = e != null && Arrays.equals(e.value, v.value());
            } else {
                ok = e == null;
            }
            if (!ok) {
                return new CasOutcome(false, 0, e == null ? null : new StoredValue(e.value, e.version, e.expiresAt));
            }
            entries.put(k(cas.key()), new Entry(cas.newValue(), version, cas.ttlMillis() == 0 ? 0 : now + cas.ttlMillis()));
            return new CasOutcome(true, version, null);
        }
    }

    sealed interface Step {
        record Write(Command command) implements Step {
        }

        record Read(byte[] key) implements Step {
        }

        record Advance(long millis) implements Step {
        }
    }

    @Property(tries = 300)
    void agreesWithTheReferenceModel(@ForAll("steps") List<Step> steps) {
        try (ShardStore store = newStore()) {
            ShardEngine engine = new ShardEngine(1, store, ShardLimits.withBudget(1L << 30));
            Model model = new Model();
            long now = 1_000;
            long index = 0;
            for (Step step : steps) {
                if (step instanceof Step.Advance a) {
                    now += a.millis();
                } else if (step instanceof Step.Read r) {
                    Model.Entry e = model.live(k(r.key()), now);
                    StoredValue v = engine.get(r.key(), now);
                    if (e == null) {
                        assertNull(v);
                    } else {
                        assertEquals(new StoredValue(e.value(), e.version(), e.expiresAt()), v);
                    }
                } else {
                    Command c = ((Step.Write) step).command();
                    index++;
                    // Through the wire format, as the log carries it.
                    CommandBatch entry = CommandCodec.decodeEntry(CommandCodec.encode(new CommandBatch(now, List.of(c))));
                    List<CommandResult> got = engine.apply(index, entry);
                    assertEquals(List.of(model.apply(c, ShardEngine.version(index, 0), now)), got, "at " + c);
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<byte[]> keys = Arbitraries.of("a", "b", "c").map(ShardEngineContract::b);
        Arbitrary<byte[]> values = Arbitraries.of("x", "y", "zz", "0", "41", "-7", "007", "9223372036854775807")
                .map(ShardEngineContract::b);
        Arbitrary<Long> ttls = Arbitraries.of(0L, 0L, 5L, 50L);
        Arbitrary<Long> versions = Arbitraries.longs().between(1, 8).map(i -> ShardEngine.version(i, 0));
        Arbitrary<Expectation> expectations = Arbitraries.oneOf(
                versions.map(Expectation.Version::new),
                values.map(Expectation.Value::new),
                Arbitraries.just(new Expectation.Absent()));
        Arbitrary<Step> writes = Arbitraries.oneOf(
                Combinators.combine(keys, values, ttls).as(Command.Put::new),
                keys.map(Command.Delete::new),
                Combinators.combine(keys, ttls).as(Command.Touch::new),
                Combinators.combine(keys, expectations, values, ttls).as(CompareAndSet::new),
                Combinators.combine(keys, values, ttls, Arbitraries.of(false, false, true), Arbitraries.of(Command.Condition.class),
                        Arbitraries.of(false, false, true), Arbitraries.of(false, true))
                        .as((k, v, t, abs, cond, keep, get) -> new Command.Set(k, v, abs ? 1_000 + t * 10 : t, abs, cond, keep, get)),
                Combinators.combine(keys, Arbitraries.of(1L, -1L, 5L, Long.MAX_VALUE, Long.MIN_VALUE)).as(Command.Increment::new),
                Combinators.combine(keys, values).as(Command.Append::new),
                keys.map(Command.GetAndDelete::new),
                Combinators.combine(keys, Arbitraries.of(0L, 5L, 50L, -1L), Arbitraries.of(false, false, true),
                        Arbitraries.of(Command.ExpiryCondition.class))
                        .as((k, t, abs, cond) -> new Command.ExpireIf(k, abs ? 1_000 + t * 10 : t, abs, cond)),
                Combinators.combine(keys, values, ttls).as(Command.Put::new).list().ofMinSize(1).ofMaxSize(3)
                        .map(Command.BatchPutIfAbsent::new),
                Combinators.combine(keys, ttls, Arbitraries.of(false, false, true))
                        .as((k, t, abs) -> new Command.GetAndTouch(k, abs ? 1_000 + t * 10 : t, abs)))
                .map(Step.Write::new);
        Arbitrary<Step> reads = keys.map(Step.Read::new);
        Arbitrary<Step> advances = Arbitraries.longs().between(1, 30).map(Step.Advance::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, writes), net.jqwik.api.Tuple.of(3, reads), net.jqwik.api.Tuple.of(2, advances))
                .list().ofMaxSize(80);
    }

    @Test
    void aScanWalksLiveKeysInByteOrderStepByStep() {
        try (ShardStore store = newStore()) {
            ShardEngine engine = new ShardEngine(1, store, ShardLimits.withBudget(1 << 20));
            engine.apply(1, new CommandBatch(1_000, List.of(new Command.Put(b("d"), b("v"), 0), new Command.Put(b("b"), b("v"), 0),
                    new Command.Put(b("a"), b("v"), 0), new Command.Put(b("gone"), b("v"), 10), new Command.Put(b("c"), b("v"), 0),
                    new Command.Put(new byte[] {(byte) 0xFF}, b("v"), 0))));
            List<String> seen = new java.util.ArrayList<>();
            byte[] after = new byte[0];
            boolean more = true;
            int steps = 0;
            while (more) {
                ResultCodec.Answer.Keys step = (ResultCodec.Answer.Keys) engine.query(new Query.Scan(after, 2), 2_000);
                step.keys().forEach(k -> seen.add(k.length == 1 && k[0] == (byte) 0xFF ? "0xFF" : new String(k, StandardCharsets.UTF_8)));
                more = step.more();
                after = step.keys().isEmpty() ? after : step.keys().get(step.keys().size() - 1);
                steps++;
            }
            assertEquals(List.of("a", "b", "c", "d", "0xFF"), seen, "expired keys skipped; bytes compare unsigned");
            assertEquals(3, steps);
        }
    }

    @Test
    void eachPolicyEvictsItsOwnVictims() {
        long t0 = 1_700_000_000_000L;
        for (EvictionPolicy policy : EvictionPolicy.values()) {
            try (ShardStore store = newStore()) {
                // 200 keys of ~1 KiB in a 160 KiB budget: evens have a TTL (later keys expire sooner), and
                // keys 0-49 are read after every write from the 100th on: recent and frequent.
                ShardEngine engine = new ShardEngine(1, store, ShardLimits.withBudget(160 << 10).withEvictionPolicy(policy));
                long index = 0;
                int refused = 0;
                for (int i = 0; i < 200; i++) {
                    long now = t0 + i * 10L;
                    Command.Put put = new Command.Put(b("k" + i), new byte[1_000], i % 2 == 0 ? 1_000_000 - i * 1_000L : 0);
                    for (Command.Evict e : engine.eviction().planRoomFor(EvictionPlanner.growthOf(List.of(put)), now)) {
                        engine.apply(++index, new CommandBatch(now, List.of(e)));
                    }
                    if (!(engine.apply(++index, new CommandBatch(now, List.of(put))).get(0) instanceof Written)) {
                        refused++;
                    }
                    if (i >= 99) {
                        for (int k = 0; k < 50; k++) {
                            engine.get(b("k" + k), now + 1);
                        }
                    }
                }
                assertTrue(store.bytesUsed() <= 160 << 10, policy + ": over budget");
                int hotSurvivors = 0;
                int oddSurvivors = 0;
                for (int i = 0; i < 200; i++) {
                    if (store.get(b("k" + i)) != null) {
                        hotSurvivors += i < 50 ? 1 : 0;
                        oddSurvivors += i % 2 == 1 ? 1 : 0;
                    }
                }
                switch (policy) {
                    case NOEVICTION -> {
                        assertTrue(refused > 0, "noeviction refuses");
                        assertEquals(0, engine.counters().evictedKeys());
                    }
                    case VOLATILE_LRU, VOLATILE_LFU, VOLATILE_RANDOM, VOLATILE_TTL -> {
                        assertEquals(100, oddSurvivors, policy + " evicted a key without a TTL");
                        assertTrue(engine.counters().evictedKeys() > 0, policy + " evicted nothing");
                    }
                    default -> {
                        assertEquals(0, refused, policy + " refused a write");
                        assertTrue(engine.counters().evictedKeys() > 40, policy + " evicted too little");
                    }
                }
                if (policy == EvictionPolicy.ALLKEYS_LRU || policy == EvictionPolicy.ALLKEYS_LFU) {
                    // The keys read all along (recent, frequent) outlive the keys written once and never read.
                    assertTrue(hotSurvivors >= 48, policy + " kept only " + hotSurvivors + " of the 50 hot keys");
                }
                if (policy == EvictionPolicy.VOLATILE_TTL) {
                    // The soonest expiries (the later even keys) go first; k0 expires last of all.
                    assertTrue(store.get(b("k0")) != null, "volatile-ttl evicted the key expiring last");
                }
            }
        }
    }

    @Test
    void versionsGrowWithinAnEntryEvenForOneKey() {
        try (ShardStore store = newStore()) {
            ShardEngine engine = new ShardEngine(1, store, ShardLimits.withBudget(1 << 20));
            List<CommandResult> r = engine.apply(7, new CommandBatch(1, List.of(
                    new Command.Put(b("k"), b("1"), 0),
                    new Command.Put(b("k"), b("2"), 0),
                    new Command.BatchPut(List.of(new Command.Put(b("k"), b("3"), 0), new Command.Put(b("j"), b("4"), 0))))));
            Written first = (Written) r.get(0);
            Written second = (Written) r.get(1);
            assertEquals(ShardEngine.version(7, 0), first.version());
            assertEquals(first.version(), second.previousVersion());
            assertTrue(second.version() > first.version());
            CommandResult.Batch batch = (CommandResult.Batch) r.get(2);
            assertEquals(second.version(), ((Written) batch.results().get(0)).previousVersion());
            assertEquals(7, ShardEngine.indexOf(((Written) batch.results().get(1)).version()));
        }
    }

    @Test
    void logTimeNeverRunsBackwards() {
        try (ShardStore store = newStore()) {
            ShardEngine engine = new ShardEngine(1, store, ShardLimits.withBudget(1 << 20));
            engine.apply(1, new CommandBatch(10_000, List.of(new Command.Put(b("k"), b("v"), 100))));
            // A new leader whose clock is behind stamps an earlier time: the key still expires at 10,100.
            engine.apply(2, new CommandBatch(5_000, List.of(new Command.Put(b("other"), b("v"), 0))));
            assertEquals(10_000, engine.logTime());
            assertTrue(engine.get(b("k"), 0) != null, "live at log time 10,000");
            assertNull(engine.get(b("k"), 10_100), "expired at 10,100 by the reader's clock");
            List<CommandResult> r = engine.apply(3, new CommandBatch(10_100, List.of(
                    new CompareAndSet(b("k"), new Expectation.Absent(), b("new"), 0))));
            assertTrue(((CasOutcome) r.get(0)).succeeded(), "expired at 10,100: absent for put-if-absent");
            engine.apply(4, new CommandBatch(20_000, List.of(new Command.Put(b("late"), b("v"), 0))));
            engine.apply(5, new CommandBatch(19_000, List.of(new Command.Put(b("short"), b("v"), 500))));
            assertEquals(20_500, engine.get(b("short"), 0).expiresAt(), "TTL counts from the log's time, not the stale stamp");
        }
    }

    @Test
    void fullShardRefusesGrowthButKeepsDataAndAllowsShrinking() {
        try (ShardStore store = newStore()) {
            long budget = 10 * ShardStore.chargeOf(4, 100);
            ShardEngine engine = new ShardEngine(9, store, ShardLimits.withBudget(budget));
            long index = 0;
            for (int i = 0; i < 10; i++) {
                assertInstanceOf(Written.class, engine.apply(++index, put(String.format("k%03d", i), 100)).get(0));
            }
            Rejected full = assertInstanceOf(Rejected.class, engine.apply(++index, put("k999", 100)).get(0));
            assertEquals(ShardError.RESOURCE_EXHAUSTED, full.error());
            assertTrue(full.message().contains("shard 9") && full.message().contains(Long.toString(budget)), full.message());
            assertEquals(10, store.size());
            assertInstanceOf(Written.class, engine.apply(++index, put("k001", 50)).get(0), "shrinking fits");
            assertInstanceOf(Rejected.class, engine.apply(++index, new CommandBatch(1, List.of(new Command.BatchPut(List.of(
                    new Command.Put(b("n001"), new byte[10], 0), new Command.Put(b("n002"), new byte[10], 0)))))).get(0));
            assertNull(engine.get(b("n001"), 0), "a refused batch writes nothing");
            assertInstanceOf(CommandResult.Deleted.class, engine.apply(++index, new CommandBatch(1,
                    List.of(new Command.Delete(b("k000"))))).get(0));
            assertInstanceOf(Written.class, engine.apply(++index, put("k999", 100)).get(0), "room again after a delete");
        }
    }

    @Test
    void badInputIsATypedRejection() {
        try (ShardStore store = newStore()) {
            ShardEngine engine = new ShardEngine(1, store, new ShardLimits(8, 16, 1 << 20));
            List<CommandResult> r = engine.apply(1, new CommandBatch(1, List.of(
                    new Command.Put(new byte[9], b("v"), 0),
                    new Command.Put(b("k"), new byte[17], 0),
                    new Command.Put(new byte[0], b("v"), 0),
                    new Command.Put(b("k"), b("v"), -1),
                    new Command.Touch(b("k"), -5),
                    new CompareAndSet(b("k"), new Expectation.Value(new byte[17]), b("v"), 0))));
            assertEquals(List.of(ShardError.KEY_TOO_LARGE, ShardError.VALUE_TOO_LARGE, ShardError.INVALID_ARGUMENT,
                            ShardError.INVALID_ARGUMENT, ShardError.INVALID_ARGUMENT, ShardError.VALUE_TOO_LARGE),
                    r.stream().map(x -> ((Rejected) x).error()).toList());
            assertEquals(0, store.size());
        }
    }

    @Test
    void expiryPlansOnlyKeysStillExpiredWithTheirVersionAndRecordsTheLag() {
        try (ShardStore store = newStore()) {
            ShardEngine engine = new ShardEngine(1, store, ShardLimits.withBudget(1 << 20));
            engine.apply(1, new CommandBatch(1_000, List.of(
                    new Command.Put(b("gone"), b("v"), 100),
                    new Command.Put(b("rewritten"), b("v"), 100),
                    new Command.Put(b("touched"), b("v"), 100),
                    new Command.Put(b("later"), b("v"), 10_000))));
            engine.apply(2, new CommandBatch(1_050, List.of(
                    new Command.Put(b("rewritten"), b("v2"), 0),
                    new Command.Touch(b("touched"), 5_000))));
            assertTrue(engine.planExpiry(1_099, 10, 100).isEmpty(), "nothing due before 1,100");
            List<Command.Expire> plan = engine.planExpiry(1_250, 10, 100);
            assertEquals(1, plan.size());
            assertEquals(List.of("gone"), plan.get(0).keys().stream().map(k -> new String(k.key(), StandardCharsets.UTF_8)).toList());
            List<CommandResult> r = engine.apply(3, new CommandBatch(1_300, List.copyOf(plan)));
            assertEquals(new CommandResult.Expired(1), r.get(0));
            assertEquals(200, engine.expiryLag().maxMillis(), "expired at 1,100, reclaimed at 1,300");
            assertEquals(3, store.size());
            assertArrayEquals(b("v2"), engine.get(b("rewritten"), 2_000).value());
            // A stale expire (the key was rewritten after planning) removes nothing.
            engine.apply(4, new CommandBatch(1_400, List.of(new Command.Put(b("later"), b("new"), 0))));
            assertEquals(new CommandResult.Expired(0), engine.apply(5, new CommandBatch(20_000, List.of(
                    new Command.Expire(List.of(new Command.VersionedKey(b("later"), ShardEngine.version(1, 3))))))).get(0));
            assertEquals(3, store.size());
        }
    }

    @Test
    void expiryIsRateLimitedAndResumes() {
        try (ShardStore store = newStore()) {
            ShardEngine engine = new ShardEngine(1, store, ShardLimits.withBudget(1 << 24));
            long index = 0;
            for (int i = 0; i < 250; i++) {
                engine.apply(++index, new CommandBatch(1_000, List.of(new Command.Put(b("k" + i), b("v"), 10))));
            }
            int reclaimed = 0;
            for (int round = 0; round < 3; round++) {
                List<Command.Expire> plan = engine.planExpiry(2_000, 40, 100);
                assertTrue(plan.stream().mapToInt(e -> e.keys().size()).sum() <= 100);
                assertTrue(plan.stream().allMatch(e -> e.keys().size() <= 40));
                for (Command.Expire e : plan) {
                    reclaimed += ((CommandResult.Expired) engine.apply(++index, new CommandBatch(2_000, List.of(e))).get(0)).removed();
                }
            }
            assertEquals(250, reclaimed);
            assertEquals(0, store.size());
        }
    }

    @Test
    void aRetriedTaggedWriteAppliesOnce() {
        try (ShardStore store = newStore()) {
            ShardEngine engine = new ShardEngine(1, store, ShardLimits.withBudget(1 << 20));
            Command first = new Command.Tagged(42, 7, new Command.Put(b("k"), b("v1"), 0));
            List<CommandResult> r1 = engine.apply(1, new CommandBatch(1, List.of(first)));
            engine.apply(2, new CommandBatch(1, List.of(new Command.Put(b("k"), b("other"), 0))));
            // The retry (same client, same sequence) answers as the first time and writes nothing.
            List<CommandResult> r2 = engine.apply(3, new CommandBatch(1, List.of(first)));
            assertEquals(r1, r2);
            assertArrayEquals(b("other"), engine.get(b("k"), 0).value());
            // A new sequence applies; another client's same sequence is a different write.
            assertInstanceOf(Written.class, engine.apply(4, new CommandBatch(1,
                    List.of(new Command.Tagged(42, 8, new Command.Put(b("k"), b("v2"), 0))))).get(0));
            Written other = (Written) engine.apply(5, new CommandBatch(1,
                    List.of(new Command.Tagged(43, 7, new Command.Put(b("k"), b("v3"), 0))))).get(0);
            assertEquals(ShardEngine.version(5, 0), other.version());
            // A CAS retried after it succeeded reports success again instead of failing on its own write.
            Command cas = new Command.Tagged(42, 9, new CompareAndSet(b("k"), new Expectation.Version(other.version()), b("v4"), 0));
            CasOutcome once = (CasOutcome) engine.apply(6, new CommandBatch(1, List.of(cas))).get(0);
            assertTrue(once.succeeded());
            assertEquals(once, engine.apply(7, new CommandBatch(1, List.of(cas))).get(0));
            assertEquals(2, engine.sessions().clients());
        }
    }

    @Test
    void sequencesBelowTheKeptWindowAreRefusedNotReapplied() {
        try (ShardStore store = newStore()) {
            ShardEngine engine = new ShardEngine(1, store, ShardLimits.withBudget(1 << 24));
            long index = 0;
            for (int seq = 1; seq <= ClientSessions.RESULTS_PER_CLIENT + 5; seq++) {
                engine.apply(++index, new CommandBatch(1, List.of(new Command.Tagged(9, seq, new Command.Put(b("k" + seq), b("v"), 0)))));
            }
            Rejected old = assertInstanceOf(Rejected.class, engine.apply(++index, new CommandBatch(1,
                    List.of(new Command.Tagged(9, 3, new Command.Put(b("k3"), b("again"), 0))))).get(0));
            assertEquals(ShardError.INVALID_ARGUMENT, old.error());
            assertArrayEquals(b("v"), engine.get(b("k3"), 0).value());
        }
    }

    private static CommandBatch put(String key, int valueBytes) {
        return new CommandBatch(1, List.of(new Command.Put(b(key), new byte[valueBytes], 0)));
    }

    static String k(byte[] key) {
        return new String(key, StandardCharsets.ISO_8859_1);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
