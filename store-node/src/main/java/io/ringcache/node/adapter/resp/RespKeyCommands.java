package io.ringcache.node.adapter.resp;

import io.ringcache.node.core.Consistency;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.StoredValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The string and key commands, each one request (or one per shard) on the request path with
 * Redis' semantics: SET and its family, INCR/DECR and APPEND are single commands applied on the
 * shard's log (atomic, no read-modify-write across the network); TTL arithmetic uses this
 * node's clock only where Redis' does (TTL, PTTL, TIME), the shard's log time everywhere else.
 */
final class RespKeyCommands {

    private final RespCalls calls;
    private final LongSupplier wallClock;
    private final int maxValueBytes;

    RespKeyCommands(RespCalls calls, LongSupplier wallClock, int maxValueBytes) {
        this.calls = calls;
        this.wallClock = wallClock;
        this.maxValueBytes = maxValueBytes;
    }

    CompletableFuture<RespReply> get(RespArgs a) {
        a.arity(2, 2);
        return calls.read(a.bytes(1), v -> v == null ? RespReply.NULL : new RespReply.Bulk(v.value()));
    }

    /** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]. */
    CompletableFuture<RespReply> set(RespArgs a) {
        a.arity(3, 9);
        Command.Condition condition = Command.Condition.ALWAYS;
        boolean get = false;
        boolean keepTtl = false;
        long ttl = 0;
        boolean absolute = false;
        boolean expirySet = false;
        for (int i = 3; i < a.size(); i++) {
            String o = a.option(i);
            switch (o) {
                case "NX", "XX" -> {
                    if (condition != Command.Condition.ALWAYS) {
                        throw RespArgs.syntax();
                    }
                    condition = o.equals("NX") ? Command.Condition.IF_ABSENT : Command.Condition.IF_PRESENT;
                }
                case "GET" -> get = true;
                case "KEEPTTL" -> {
                    if (expirySet) {
                        throw RespArgs.syntax();
                    }
                    keepTtl = expirySet = true;
                }
                case "EX", "PX", "EXAT", "PXAT" -> {
                    if (expirySet || i + 1 >= a.size()) {
                        throw RespArgs.syntax();
                    }
                    long n = a.integer(++i);
                    if (n <= 0 || n > Long.MAX_VALUE / 1000) {
                        throw new RespArgs.Refused("ERR invalid expire time in 'set' command");
                    }
                    ttl = o.startsWith("E") ? n * 1000 : n;
                    absolute = o.endsWith("AT");
                    expirySet = true;
                }
                default -> throw RespArgs.syntax();
            }
        }
        boolean returnPrevious = get;
        if (!absolute && condition == Command.Condition.ALWAYS && !keepTtl && !returnPrevious) {
            // A plain SET (or with EX/PX) is a put: the same effect on the shard (the value
            // replaced, its TTL set or cleared), and a put forwarded to another store shares a
            // BatchPut with other requests' puts.
            checkValue(a.bytes(2));
            return calls.write(a.bytes(1), new Command.Put(a.bytes(1), a.bytes(2), ttl), size(a), r -> RespReply.OK);
        }
        Command.Set command = set(a, ttl, absolute, condition, keepTtl, returnPrevious);
        return calls.write(a.bytes(1), command, size(a), r -> {
            CommandResult.SetOutcome o = (CommandResult.SetOutcome) r;
            if (returnPrevious) {
                return o.previous() == null ? RespReply.NULL : new RespReply.Bulk(o.previous().value());
            }
            return o.written() ? RespReply.OK : RespReply.NULL;
        });
    }

    CompletableFuture<RespReply> setnx(RespArgs a) {
        a.arity(3, 3);
        return calls.write(a.bytes(1), set(a, 0, false, Command.Condition.IF_ABSENT, false, false), size(a),
                r -> new RespReply.Int(((CommandResult.SetOutcome) r).written() ? 1 : 0));
    }

    /** SETEX key seconds value, PSETEX key ms value. */
    CompletableFuture<RespReply> setex(RespArgs a, boolean millis) {
        a.arity(4, 4);
        long n = a.integer(2);
        if (n <= 0 || n > Long.MAX_VALUE / 1000) {
            throw new RespArgs.Refused("ERR invalid expire time in '" + a.name + "' command");
        }
        byte[] value = a.bytes(3);
        checkValue(value);
        Command.Put command = new Command.Put(a.bytes(1), value, millis ? n : n * 1000);
        return calls.write(a.bytes(1), command, a.bytes(1).length + value.length, r -> RespReply.OK);
    }

    CompletableFuture<RespReply> getset(RespArgs a) {
        a.arity(3, 3);
        return calls.write(a.bytes(1), set(a, 0, false, Command.Condition.ALWAYS, false, true), size(a), r -> {
            StoredValue previous = ((CommandResult.SetOutcome) r).previous();
            return previous == null ? RespReply.NULL : new RespReply.Bulk(previous.value());
        });
    }

    CompletableFuture<RespReply> getdel(RespArgs a) {
        a.arity(2, 2);
        return calls.write(a.bytes(1), new Command.GetAndDelete(a.bytes(1)), a.bytes(1).length, RespKeyCommands::valueOf);
    }

    /** GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]. */
    CompletableFuture<RespReply> getex(RespArgs a) {
        a.arity(2, 4);
        if (a.size() == 2) {
            return get(a);
        }
        String o = a.option(2);
        if (o.equals("PERSIST") && a.size() == 3) {
            return calls.write(a.bytes(1), new Command.GetAndTouch(a.bytes(1), 0, false), a.bytes(1).length,
                    RespKeyCommands::valueOf);
        }
        if (a.size() != 4 || !List.of("EX", "PX", "EXAT", "PXAT").contains(o)) {
            throw RespArgs.syntax();
        }
        long n = a.integer(3);
        if (n <= 0 || n > Long.MAX_VALUE / 1000) {
            throw new RespArgs.Refused("ERR invalid expire time in 'getex' command");
        }
        long ttl = o.startsWith("E") ? n * 1000 : n;
        return calls.write(a.bytes(1), new Command.GetAndTouch(a.bytes(1), ttl, o.endsWith("AT")), a.bytes(1).length,
                RespKeyCommands::valueOf);
    }

    /** DEL and UNLINK: one delete per key (each atomic; together not), the count of keys removed. */
    CompletableFuture<RespReply> del(RespArgs a) {
        a.arity(2, Integer.MAX_VALUE);
        List<CompletableFuture<RespReply>> each = new ArrayList<>();
        for (int i = 1; i < a.size(); i++) {
            each.add(calls.write(a.bytes(i), new Command.Delete(a.bytes(i)), a.bytes(i).length,
                    r -> new RespReply.Int(((CommandResult.Deleted) r).deleted() ? 1 : 0)));
        }
        return sum(each);
    }

    CompletableFuture<RespReply> exists(RespArgs a) {
        a.arity(2, Integer.MAX_VALUE);
        List<CompletableFuture<RespReply>> each = new ArrayList<>();
        for (int i = 1; i < a.size(); i++) {
            each.add(calls.read(a.bytes(i), v -> new RespReply.Int(v == null ? 0 : 1)));
        }
        return sum(each);
    }

    /**
     * EXPIRE key s, PEXPIRE key ms, EXPIREAT key unix-s, PEXPIREAT key unix-ms, each with an optional
     * NX, XX, GT or LT: 1 when the expiry was set (a time not in the future deletes the key).
     */
    CompletableFuture<RespReply> expire(RespArgs a, boolean millis, boolean absolute) {
        a.arity(3, 5);
        long n = a.integer(2);
        if (!millis && (n > Long.MAX_VALUE / 1000 || n < Long.MIN_VALUE / 1000)) {
            throw new RespArgs.Refused("ERR invalid expire time in '" + a.name + "' command");
        }
        Command.ExpiryCondition condition = Command.ExpiryCondition.ALWAYS;
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < a.size(); i++) {
            switch (a.option(i)) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GT" -> gt = true;
                case "LT" -> lt = true;
                default -> throw new RespArgs.Refused("ERR Unsupported option " + a.text(i));
            }
        }
        if (nx && (xx || gt || lt)) {
            throw new RespArgs.Refused("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if (gt && lt) {
            throw new RespArgs.Refused("ERR GT and LT options at the same time are not compatible");
        }
        if (nx) {
            condition = Command.ExpiryCondition.NO_EXPIRY;
        } else if (gt) {
            condition = Command.ExpiryCondition.LATER; // with XX too: a key without expiry is never later
        } else if (lt) {
            condition = xx ? Command.ExpiryCondition.EARLIER_THAN_AN_EXPIRY : Command.ExpiryCondition.EARLIER;
        } else if (xx) {
            condition = Command.ExpiryCondition.HAS_EXPIRY;
        }
        byte[] key = a.bytes(1);
        long ms = millis ? n : n * 1000;
        Command.ExpireIf command = new Command.ExpireIf(key, absolute ? Math.max(1, ms) : ms, absolute, condition);
        return calls.write(key, command, key.length, r -> new RespReply.Int(((CommandResult.Touched) r).found() ? 1 : 0));
    }

    CompletableFuture<RespReply> persist(RespArgs a) {
        a.arity(2, 2);
        return calls.write(a.bytes(1), new Command.GetAndTouch(a.bytes(1), 0, false), a.bytes(1).length, r -> {
            StoredValue before = ((CommandResult.ValueOf) r).value();
            return new RespReply.Int(before != null && before.expiresAt() != 0 ? 1 : 0);
        });
    }

    /** TTL and PTTL: -2 absent, -1 no expiry, else what is left by this node's clock. */
    CompletableFuture<RespReply> ttl(RespArgs a, boolean millis) {
        a.arity(2, 2);
        return calls.read(a.bytes(1), v -> {
            if (v == null) {
                return new RespReply.Int(-2);
            }
            if (v.expiresAt() == 0) {
                return new RespReply.Int(-1);
            }
            long left = Math.max(0, v.expiresAt() - wallClock.getAsLong());
            return new RespReply.Int(millis ? left : (left + 500) / 1000);
        });
    }

    CompletableFuture<RespReply> incr(RespArgs a, long sign, boolean by) {
        a.arity(by ? 3 : 2, by ? 3 : 2);
        long delta = by ? a.integer(2) : 1;
        if (sign < 0 && delta == Long.MIN_VALUE) {
            throw new RespArgs.Refused("ERR decrement would overflow");
        }
        byte[] key = a.bytes(1);
        return calls.write(key, new Command.Increment(key, sign * delta), key.length + 8,
                r -> new RespReply.Int(((CommandResult.Counter) r).value()));
    }

    CompletableFuture<RespReply> append(RespArgs a) {
        a.arity(3, 3);
        return calls.write(a.bytes(1), new Command.Append(a.bytes(1), a.bytes(2)), size(a),
                r -> new RespReply.Int(((CommandResult.Length) r).length()));
    }

    CompletableFuture<RespReply> strlen(RespArgs a) {
        a.arity(2, 2);
        return calls.read(a.bytes(1), v -> new RespReply.Int(v == null ? 0 : v.value().length));
    }

    /** MGET: one linearizable BatchGet per shard, answers in key order. */
    CompletableFuture<RespReply> mget(RespArgs a) {
        a.arity(2, Integer.MAX_VALUE);
        RespReply[] out = new RespReply[a.size() - 1];
        List<CompletableFuture<RespReply>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> part : byShard(a, 1, 1).entrySet()) {
            List<byte[]> keys = new ArrayList<>();
            part.getValue().forEach(i -> keys.add(a.bytes(i)));
            parts.add(calls.toShard(part.getKey(), new ShardOp.Read(new Query.BatchGet(keys), Consistency.LINEARIZABLE),
                    outcome -> {
                        List<StoredValue> values = ((ResultCodec.Answer.Values) ((ShardOutcome.Answered) outcome).answer()).values();
                        for (int j = 0; j < values.size(); j++) {
                            out[part.getValue().get(j) - 1] = values.get(j) == null ? RespReply.NULL
                                    : new RespReply.Bulk(values.get(j).value());
                        }
                        return RespReply.OK;
                    }));
        }
        return allOk(parts).thenApply(failed -> failed != null ? failed : new RespReply.Array(List.of(out)));
    }

    /** MSET: one atomic BatchPut per shard; the keys of different shards are not written atomically together. */
    CompletableFuture<RespReply> mset(RespArgs a) {
        List<CompletableFuture<RespReply>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> part : pairsByShard(a).entrySet()) {
            List<Command.Put> puts = puts(a, part.getValue());
            parts.add(calls.toShard(part.getKey(), new ShardOp.Write(new Command.BatchPut(puts), bytes(puts)),
                    outcome -> RespReply.OK));
        }
        return allOk(parts).thenApply(failed -> failed != null ? failed : RespReply.OK);
    }

    /**
     * MSETNX: all or none, atomically, when every key lives on one shard (one command there); keys
     * on several shards get Redis Cluster's CROSSSLOT error, as they would there.
     */
    CompletableFuture<RespReply> msetnx(RespArgs a) {
        Map<Integer, List<Integer>> parts = pairsByShard(a);
        if (parts.size() > 1) {
            throw new RespArgs.Refused("CROSSSLOT Keys in request don't hash to the same slot");
        }
        Map.Entry<Integer, List<Integer>> part = parts.entrySet().iterator().next();
        List<Command.Put> puts = puts(a, part.getValue());
        return calls.toShard(part.getKey(), new ShardOp.Write(new Command.BatchPutIfAbsent(puts), bytes(puts)),
                outcome -> new RespReply.Int(((ShardOutcome.Applied) outcome).result() instanceof CommandResult.Batch ? 1 : 0));
    }

    // ---- helpers ----

    /** MSET's and MSETNX's key positions by shard, after checking the words come in pairs. */
    private Map<Integer, List<Integer>> pairsByShard(RespArgs a) {
        if (a.size() < 3 || a.size() % 2 == 0) {
            throw new RespArgs.Refused("ERR wrong number of arguments for '" + a.name + "' command");
        }
        return byShard(a, 1, 2);
    }

    /** The puts of the key positions {@code keys}, each key followed by its value. */
    private List<Command.Put> puts(RespArgs a, List<Integer> keys) {
        List<Command.Put> puts = new ArrayList<>(keys.size());
        for (int i : keys) {
            checkValue(a.bytes(i + 1));
            puts.add(new Command.Put(a.bytes(i), a.bytes(i + 1), 0));
        }
        return puts;
    }

    private static int bytes(List<Command.Put> puts) {
        int bytes = 0;
        for (Command.Put p : puts) {
            bytes += p.key().length + p.value().length;
        }
        return bytes;
    }

    private Command.Set set(RespArgs a, long ttl, boolean absolute, Command.Condition condition, boolean keepTtl,
                            boolean returnPrevious) {
        checkValue(a.bytes(2));
        return new Command.Set(a.bytes(1), a.bytes(2), ttl, absolute, condition, keepTtl, returnPrevious);
    }

    private void checkValue(byte[] value) {
        if (value.length > maxValueBytes) {
            throw new RespArgs.Refused("ERR value of " + value.length + " bytes exceeds the maximum of " + maxValueBytes);
        }
    }

    private static int size(RespArgs a) {
        return a.bytes(1).length + a.bytes(2).length;
    }

    private static RespReply valueOf(CommandResult r) {
        StoredValue v = ((CommandResult.ValueOf) r).value();
        return v == null ? RespReply.NULL : new RespReply.Bulk(v.value());
    }

    /** Positions of the keys (from {@code first}, every {@code step}) grouped by shard. */
    private Map<Integer, List<Integer>> byShard(RespArgs a, int first, int step) {
        Optional<PartitionMap> map = calls.requests().map();
        if (map.isEmpty()) {
            throw new RespArgs.Refused("TRYAGAIN this store has no partition map yet");
        }
        Map<Integer, List<Integer>> out = new TreeMap<>();
        for (int i = first; i < a.size(); i += step) {
            if (a.bytes(i).length == 0) {
                throw new RespArgs.Refused("ERR key must not be empty");
            }
            out.computeIfAbsent(map.get().ring().shardForKey(a.bytes(i)), s -> new ArrayList<>()).add(i);
        }
        return out;
    }

    /** The sum of integer replies, or the first error. */
    private static CompletableFuture<RespReply> sum(List<CompletableFuture<RespReply>> each) {
        return CompletableFuture.allOf(each.toArray(new CompletableFuture[0])).thenApply(v -> {
            long n = 0;
            for (CompletableFuture<RespReply> f : each) {
                RespReply r = f.join();
                if (r instanceof RespReply.Error) {
                    return r;
                }
                n += ((RespReply.Int) r).value();
            }
            return new RespReply.Int(n);
        });
    }

    /** Null when every part answered OK, else the first error. */
    private static CompletableFuture<RespReply> allOk(List<CompletableFuture<RespReply>> parts) {
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture[0])).thenApply(v -> {
            for (CompletableFuture<RespReply> f : parts) {
                if (f.join() instanceof RespReply.Error e) {
                    return e;
                }
            }
            return null;
        });
    }
}
