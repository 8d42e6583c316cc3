package io.ringcache.bench;

import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandBatch;
import io.ringcache.shard.core.CommandCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The log-entry codec, which every write crosses twice on its leader (the client's encode, the
 * leader's validating decode when it stamps the entry) and once more on every replica (decode
 * at apply). Measures encode and decode of an entry holding one Put and of an entry holding 64
 * Puts (16-byte keys, 100-byte values, no TTL). Figures are entries/s; multiply the 64-command
 * figures by 64 for commands/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class CommandCodecBenchmark {

    static final int BATCH = 64;

    private CommandBatch single;
    private CommandBatch batch;
    private byte[] singleBytes;
    private byte[] batchBytes;

    @Setup
    public void setup() {
        byte[] value = Keys.value(7);
        single = new CommandBatch(1_700_000_000_000L, List.of(new Command.Put(Keys.key(1), value, 0)));
        List<Command> puts = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            puts.add(new Command.Put(Keys.key(i), value, 0));
        }
        batch = new CommandBatch(1_700_000_000_000L, puts);
        singleBytes = CommandCodec.encode(single);
        batchBytes = CommandCodec.encode(batch);
    }

    @Benchmark
    public byte[] encodePut1() {
        return CommandCodec.encode(single);
    }

    @Benchmark
    public CommandBatch decodePut1() {
        return CommandCodec.decodeEntry(singleBytes);
    }

    @Benchmark
    public byte[] encodePut64() {
        return CommandCodec.encode(batch);
    }

    @Benchmark
    public CommandBatch decodePut64() {
        return CommandCodec.decodeEntry(batchBytes);
    }
}
