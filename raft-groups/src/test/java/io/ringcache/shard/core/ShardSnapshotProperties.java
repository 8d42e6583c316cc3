package io.ringcache.shard.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Any state survives a snapshot and a restore into a fresh engine: same digest, same log time. */
class ShardSnapshotProperties {

    @Property(tries = 100)
    void roundTrip(@ForAll("contents") Map<String, byte[]> contents, @ForAll("times") long time) throws IOException {
        ShardEngine source = new ShardEngine(4, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        long index = 0;
        for (Map.Entry<String, byte[]> e : contents.entrySet()) {
            Command put = new Command.Put(e.getKey().getBytes(), e.getValue(), e.getValue().length % 3 == 0 ? 0 : 1_000);
            source.apply(++index, new CommandBatch(time, List.of(
                    index % 2 == 0 ? new Command.Tagged(index % 5 + 1, index, put) : put)));
        }
        byte[] file = write(source);

        ShardEngine target = new ShardEngine(4, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        target.apply(1, new CommandBatch(0, List.of(new Command.Put("stale".getBytes(), new byte[1], 0))));
        ShardDigest restored = ShardSnapshot.restore(target, Channels.newChannel(new ByteArrayInputStream(file)));
        assertEquals(ShardDigest.of(source.store()), restored);
        assertEquals(ShardDigest.of(source.store()), ShardDigest.of(target.store()));
        assertEquals(source.logTime(), target.logTime());
        assertEquals(source.store().bytesUsed(), target.store().bytesUsed());
        assertEquals(source.expiryBacklog(), target.expiryBacklog());
        assertEquals(source.sessions().clients(), target.sessions().clients());
    }

    @Test
    void retrySessionsSurviveASnapshot() throws IOException {
        ShardEngine source = new ShardEngine(4, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        Command tagged = new Command.Tagged(77, 1, new Command.Put("k".getBytes(), "v".getBytes(), 0));
        List<CommandResult> first = source.apply(1, new CommandBatch(5, List.of(tagged)));
        ShardEngine target = new ShardEngine(4, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        ShardSnapshot.restore(target, channel(write(source)));
        assertEquals(1, target.sessions().clients());
        assertEquals(first, target.apply(2, new CommandBatch(6, List.of(tagged))), "the retry is answered, not applied");
        assertEquals(1, target.store().size());

        byte[] file = write(source);
        file[file.length - 12] ^= 1; // inside the sessions section
        ShardEngine damaged = new ShardEngine(4, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        assertThrows(IOException.class, () -> ShardSnapshot.restore(damaged, channel(file)));
    }

    @Test
    void valuesLargerThanTheStreamBufferRoundTrip() throws IOException {
        ShardEngine source = new ShardEngine(1, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        byte[] big = new byte[3 << 20];
        Arrays.fill(big, (byte) 7);
        source.apply(1, new CommandBatch(1, List.of(new Command.Put("big".getBytes(), new byte[0], 0))));
        source.store().put("big".getBytes(), big, 1, 0); // beyond the default limit, as an older config may have allowed
        ShardEngine target = new ShardEngine(1, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        ShardSnapshot.restore(target, Channels.newChannel(new ByteArrayInputStream(write(source))));
        assertEquals(ShardDigest.of(source.store()), ShardDigest.of(target.store()));
    }

    @Test
    void corruptOrForeignSnapshotsAreRefused() throws IOException {
        ShardEngine source = new ShardEngine(2, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        source.apply(1, new CommandBatch(1, List.of(new Command.Put("k".getBytes(), "value".getBytes(), 0))));
        byte[] file = write(source);
        byte[] flipped = file.clone();
        flipped[flipped.length - 30] ^= 1; // inside the value
        ShardEngine target = new ShardEngine(2, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        assertThrows(IOException.class, () -> ShardSnapshot.restore(target, channel(flipped)));
        assertEquals(0, target.store().size(), "a refused snapshot leaves nothing half-loaded");
        assertThrows(IOException.class, () -> ShardSnapshot.restore(target, channel(Arrays.copyOf(file, file.length - 3))));
        ShardEngine other = new ShardEngine(3, new HeapShardStore(), ShardLimits.withBudget(1L << 30));
        assertThrows(IOException.class, () -> ShardSnapshot.restore(other, channel(file)));
    }

    private static java.nio.channels.ReadableByteChannel channel(byte[] bytes) {
        return Channels.newChannel(new ByteArrayInputStream(bytes));
    }

    static byte[] write(ShardEngine engine) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ShardSnapshot.write(engine, Channels.newChannel(out));
        return out.toByteArray();
    }

    @Provide
    Arbitrary<Map<String, byte[]>> contents() {
        return Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300)).ofMaxSize(200);
    }

    @Provide
    Arbitrary<Long> times() {
        return Arbitraries.longs().between(0, 1L << 45);
    }
}
