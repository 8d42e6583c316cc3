package io.ringcache.shard.adapter.ratis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringcache.shard.adapter.heap.HeapShardStore;
import io.ringcache.shard.core.Command;
import io.ringcache.shard.core.CommandResult;
import io.ringcache.shard.core.ShardLimits;
import io.ringcache.testing.Poll;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Apply listeners on a real single-replica Ratis host with the heap store. */
class ApplyListenerIT {

    private static final int SHARD = 3;

    private Path dir;
    private ShardGroupHost host;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("apply-listener");
        host = new ShardGroupHost("solo", RatisTuning.defaults(dir.toFile()).withPort(0),
                shard -> new HeapShardStore(), ShardLimits.withBudget(8L << 20), System::currentTimeMillis).start();
        host.addShard(SHARD, List.of(new ShardGroupHost.Replica("solo", host.raftAddress())));
        await(() -> host.isReadyLeader(SHARD));
    }

    @AfterEach
    void stop() throws Exception {
        host.close();
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(java.io.File::delete);
        }
    }

    @Test
    void reportsTheKeysOfEachEntryAfterTheAppliedIndexAdvanced() throws Exception {
        Recorder r = new Recorder();
        assertTrue(host.addApplyListener(SHARD, r));
        long from = host.appliedIndex(SHARD);
        write(new Command.Put(b("a"), b("1"), 0));
        write(new Command.BatchPut(List.of(new Command.Put(b("b"), b("1"), 0), new Command.Put(b("c"), b("1"), 0))));
        write(new Command.CompareAndSet(b("a"), new Command.Expectation.Absent(), b("2"), 0)); // fails: nothing
        write(new Command.Delete(b("b")));
        await(() -> r.events.size() >= 3);
        assertEquals(List.of("applied a", "applied b,c", "applied b"), r.texts());
        long previous = from;
        for (long index : r.indexes) {
            assertTrue(index > previous, "indexes grow: " + r.indexes);
            previous = index;
        }
        assertTrue(r.appliedIndexSeen.stream().allMatch(ok -> ok), "the applied index had advanced");
    }

    @Test
    void ttlExpiryIsReported() throws Exception {
        Recorder r = new Recorder();
        host.addApplyListener(SHARD, r);
        write(new Command.Put(b("ttl"), b("1"), 200));
        await(() -> r.texts().contains("applied ttl") && r.texts().size() >= 2);
        assertEquals(List.of("applied ttl", "applied ttl"), r.texts());
    }

    @Test
    void aSnapshotLoadIsAReset() throws Exception {
        Recorder r = new Recorder();
        host.addApplyListener(SHARD, r);
        write(new Command.Put(b("a"), b("1"), 0));
        host.takeSnapshot(SHARD, 10_000);
        long index = host.appliedIndex(SHARD); // nothing written since: the snapshot's index
        host.stateMachine(SHARD).orElseThrow().reinitialize();
        assertEquals("reset " + index, r.texts().get(r.texts().size() - 1));
    }

    @Test
    void removingTheShardStopsAndUnregistersListeners() throws Exception {
        Recorder r = new Recorder();
        host.addApplyListener(SHARD, r);
        host.removeShard(SHARD);
        assertEquals(List.of("stopped"), r.texts());
        assertFalse(host.addApplyListener(SHARD, new Recorder()), "not hosted any more");
        assertEquals(0, host.applyListenerCount(SHARD));
    }

    @Test
    void aThrowingListenerBreaksNeitherApplyNorOtherListeners() throws Exception {
        ShardApplyListener bad = new ShardApplyListener() {
            @Override
            public void applied(int shardId, long index, List<byte[]> keys) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void reset(int shardId, long index) {
                throw new IllegalStateException("boom");
            }

            @Override
            public void stopped(int shardId) {
                throw new IllegalStateException("boom");
            }
        };
        Recorder r = new Recorder();
        host.addApplyListener(SHARD, bad);
        host.addApplyListener(SHARD, r);
        assertTrue(write(new Command.Put(b("a"), b("1"), 0)) instanceof CommandResult.Written);
        assertTrue(write(new Command.Put(b("b"), b("1"), 0)) instanceof CommandResult.Written);
        await(() -> r.events.size() == 2);
        host.removeShard(SHARD);
        assertEquals(List.of("applied a", "applied b", "stopped"), r.texts());
    }

    @Test
    void aRemovedListenerHearsNothingMore() throws Exception {
        Recorder r = new Recorder();
        host.addApplyListener(SHARD, r);
        assertEquals(1, host.applyListenerCount(SHARD));
        host.removeApplyListener(SHARD, r);
        assertEquals(0, host.applyListenerCount(SHARD));
        write(new Command.Put(b("a"), b("1"), 0));
        host.removeShard(SHARD);
        assertEquals(List.of(), r.texts());
    }

    private CommandResult write(Command c) throws Exception {
        return host.submit(SHARD, List.of(c)).get(30, TimeUnit.SECONDS).get(0);
    }

    private final class Recorder implements ShardApplyListener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final List<Long> indexes = Collections.synchronizedList(new ArrayList<>());
        final List<Boolean> appliedIndexSeen = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void applied(int shardId, long index, List<byte[]> keys) {
            assertEquals(SHARD, shardId);
            List<String> names = new ArrayList<>();
            for (byte[] k : keys) {
                names.add(new String(k, StandardCharsets.UTF_8));
            }
            indexes.add(index);
            appliedIndexSeen.add(host.appliedIndex(SHARD) >= index);
            events.add("applied " + String.join(",", names));
        }

        @Override
        public void reset(int shardId, long index) {
            events.add("reset " + index);
        }

        @Override
        public void stopped(int shardId) {
            events.add("stopped");
        }

        List<String> texts() {
            synchronized (events) {
                return new ArrayList<>(events);
            }
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        Poll.until("the condition", condition);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
