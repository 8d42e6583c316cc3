package io.ringcache.bench;

import io.ringcache.shard.core.ShardStore;
import io.ringcache.shard.core.StoredValue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The raw cost of the storage port, one thread, no Raft and no engine: a {@code get} that hits
 * (value copied out, as {@link ShardStore#get} promises) and a {@code put} that overwrites an
 * existing key, on a store prefilled with {@code entries} entries of 16-byte keys and 100-byte
 * values. Keys are picked uniformly at random, so a large store measures cache-missing lookups,
 * which is what a cache node sees. Compares the on-heap reference adapter with the off-heap
 * Chronicle Map adapter: the apply thread of every shard pays these costs per write.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class ShardStoreBenchmark {

    @Param({Stores.HEAP, Stores.CHRONICLE})
    public String store;

    @Param({"1000000"})
    public int entries;

    private ShardStore shardStore;
    private final byte[] key = new byte[Keys.KEY_BYTES];
    private byte[] value;
    private Keys.Picker picker;
    private long version;

    @Setup(Level.Trial)
    public void prefill() {
        shardStore = Stores.create(store, entries, Keys.KEY_BYTES, Keys.VALUE_BYTES);
        value = Keys.value(42);
        long start = System.nanoTime();
        for (int i = 0; i < entries; i++) {
            Keys.write(key, i);
            shardStore.put(key, value, ++version, 0);
        }
        if (shardStore.size() != entries) {
            throw new IllegalStateException("prefilled " + shardStore.size() + " entries, expected " + entries);
        }
        System.out.printf("%n# prefilled %s store with %,d entries in %.1f s%n",
                store, entries, (System.nanoTime() - start) / 1e9);
        picker = new Keys.Picker(entries, 0x5DEECE66DL);
    }

    /** A lookup of a present key; the returned value is a copy. */
    @Benchmark
    public StoredValue getHit() {
        Keys.write(key, picker.next());
        return shardStore.get(key);
    }

    /** The reader's clock for {@link #readHit}: one millisecond per read. */
    private long now = 1_700_000_000_000L;

    /**
     * A client's read of a present key: as {@link #getHit}, and the entry's use marks (recency
     * stamp, LFU counter) written in place, for eviction. Against getHit in the same run it is the
     * cost of marking.
     */
    @Benchmark
    public StoredValue readHit() {
        Keys.write(key, picker.next());
        return shardStore.read(key, ++now);
    }

    /** A replacement of a present key's value with a new version (the store size does not change). */
    @Benchmark
    public long putOverwrite() {
        Keys.write(key, picker.next());
        return shardStore.put(key, value, ++version, 0);
    }

    @TearDown(Level.Trial)
    public void close() {
        if (shardStore != null) {
            shardStore.close();
        }
    }
}
