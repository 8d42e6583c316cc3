package io.ringcache.node.adapter.http;

import io.ringcache.node.core.KvFailure;
import io.ringcache.node.core.KvRequests;
import io.ringcache.node.core.Routing;
import io.ringcache.node.core.ShardOp;
import io.ringcache.node.core.ShardOutcome;
import io.ringcache.placement.core.PartitionMap;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.Query;
import io.ringcache.shard.core.ResultCodec;
import io.ringcache.shard.core.StoredValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory request path: versions from a counter, TTL against a clock the test moves. Keys
 * {@code error:<kind>} answer that failure; {@code broken} breaks the port's contract (completes
 * exceptionally); {@code hang} never answers; {@code slow*} answers "absent" 200 ms later.
 */
final class FakeKvRequests implements KvRequests {

    record Entry(byte[] value, long version, long expiresAt) {
    }

    /** What one call carried. */
    record Call(String method, String key, Routing routing) {
    }

    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    final Map<String, Entry> entries = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicLong versions = new AtomicLong(65536);

    @Override
    public Optional<PartitionMap> map() {
        return Optional.empty();
    }

    @Override
    public CompletableFuture<ShardOutcome> submitToShard(int shardId, ShardOp op, Routing routing) {
        throw new UnsupportedOperationException("the HTTP API sends single keys");
    }

    @Override
    public CompletableFuture<ShardOutcome> submit(byte[] rawKey, ShardOp op, Routing routing) {
        String key = new String(rawKey, StandardCharsets.UTF_8);
        Command command = op instanceof ShardOp.Write w ? w.command() : null;
        String method = command == null ? "get" : command instanceof Command.Put ? "put" : "delete";
        calls.add(new Call(method, key, routing));
        if (key.equals("hang")) {
            return new CompletableFuture<>();
        }
        if (key.startsWith("slow")) {
            // Answers (not found) 200 ms later, on another thread: replies after it must still wait for it.
            return CompletableFuture.supplyAsync(() -> new ShardOutcome.Answered(0, 1, 7, new ResultCodec.Answer.Value(null)),
                    CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS));
        }
        if (key.equals("broken")) {
            return CompletableFuture.failedFuture(new IllegalStateException("broken on purpose"));
        }
        if (key.startsWith("error:")) {
            return CompletableFuture.completedFuture(new ShardOutcome.Failed(failure(key.substring("error:".length()))));
        }
        if (command == null) {
            Entry e = live(key);
            StoredValue v = e == null ? null : new StoredValue(e.value(), e.version(), e.expiresAt());
            return done(new ShardOutcome.Answered(0, 1, 7, new ResultCodec.Answer.Value(v)));
        }
        Entry previous = live(key);
        if (command instanceof Command.Put p) {
            long version = versions.addAndGet(65536);
            entries.put(key, new Entry(p.value(), version, p.ttlMillis() == 0 ? 0 : clock.get() + p.ttlMillis()));
            return done(new ShardOutcome.Applied(0, 1, 7,
                    new CommandResult.Written(version, previous == null ? 0 : previous.version())));
        }
        entries.remove(key);
        return done(new ShardOutcome.Applied(0, 1, 7,
                new CommandResult.Deleted(previous != null, previous == null ? 0 : previous.version())));
    }

    private static CompletableFuture<ShardOutcome> done(ShardOutcome outcome) {
        return CompletableFuture.completedFuture(outcome);
    }

    private Entry live(String key) {
        Entry e = entries.get(key);
        if (e != null && e.expiresAt() != 0 && e.expiresAt() <= clock.get()) {
            entries.remove(key, e);
            return null;
        }
        return e;
    }

    private static KvFailure failure(String kind) {
        return switch (kind) {
            case "not_leader" -> KvFailure.NotLeader.refused(3, "", "");
            case "stale_epoch" -> new KvFailure.StaleEpoch(1, 2);
            case "shard_not_found" -> new KvFailure.ShardNotFound(9);
            case "key_too_large" -> new KvFailure.KeyTooLarge(5000, 4096);
            case "value_too_large" -> new KvFailure.ValueTooLarge(9, 8);
            case "resource_exhausted" -> new KvFailure.ResourceExhausted(1, 1024, "shard 1 is over its budget of 1024 bytes");
            case "invalid_argument" -> new KvFailure.InvalidArgument("bad \"thing\"");
            case "unavailable" -> new KvFailure.Unavailable(4, "no leader", false);
            default -> throw new IllegalArgumentException(kind);
        };
    }
}
