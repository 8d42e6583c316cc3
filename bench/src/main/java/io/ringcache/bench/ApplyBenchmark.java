package io.ringcache.bench;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandBatch;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ShardEngine;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.shard.core.ShardStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The state machine's apply path without Raft: {@link ShardEngine#apply} of decoded log entries
 * of 64 Puts each (16-byte keys, 100-byte values, no TTL), as a shard's apply thread runs it.
 * This bounds what one shard can apply per second whatever the log does. Keys cycle over a
 * fixed set of {@code keys} keys (prefilled), so every put overwrites and memory stays bounded.
 * Reported ops/s are commands (Puts) per second ({@code @OperationsPerInvocation(64)}).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class ApplyBenchmark {

    static final int BATCH = 64;

    @Param({Stores.HEAP, Stores.CHRONICLE})
    public String store;

    @Param({"131072"})
    public int keys;

    private ShardStore shardStore;
    private ShardEngine engine;
    private CommandBatch[] batches;
    private int next;
    private long index;

    @Setup(Level.Trial)
    public void setup() {
        if (keys % BATCH != 0) {
            throw new IllegalArgumentException("keys must be a multiple of " + BATCH);
        }
        shardStore = Stores.create(store, keys, Keys.KEY_BYTES, Keys.VALUE_BYTES);
        engine = new ShardEngine(0, shardStore, ShardLimits.withBudget(1L << 30));
        byte[] value = Keys.value(3);
        batches = new CommandBatch[keys / BATCH];
        for (int b = 0; b < batches.length; b++) {
            List<Command> puts = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                puts.add(new Command.Put(Keys.key((long) b * BATCH + i), value, 0));
            }
            batches[b] = new CommandBatch(1_700_000_000_000L, puts);
        }
        // Prefill: one pass, so the measured puts all overwrite.
        for (CommandBatch batch : batches) {
            engine.apply(++index, batch);
        }
        if (shardStore.size() != keys) {
            throw new IllegalStateException("store has " + shardStore.size() + " entries, expected " + keys);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public List<CommandResult> apply64() {
        CommandBatch batch = batches[next];
        next = next + 1 == batches.length ? 0 : next + 1;
        return engine.apply(++index, batch);
    }

    @TearDown(Level.Trial)
    public void close() {
        if (shardStore != null) {
            shardStore.close();
        }
    }
}
